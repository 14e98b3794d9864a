import type { Logger } from 'pino';
import type { AuthRepository, NewUser } from './auth.repository';
import { generateToken, hashToken, tokenDisplayPrefix } from './tokens';

export const BOOTSTRAP_ADMIN_EMAIL = 'admin@localhost';
const BOOTSTRAP_ADMIN: NewUser = { email: BOOTSTRAP_ADMIN_EMAIL, name: 'Administrator', role: 'admin' };

export interface BootstrapReport {
  /** 'env': DEFECTLAB_ADMIN_TOKEN registered now; 'generated': a new token was printed; 'none': nothing to do. */
  readonly action: 'env' | 'generated' | 'none';
}

/**
 * Makes sure somebody can administer a fresh installation:
 * - with `adminToken` (DEFECTLAB_ADMIN_TOKEN): registers it for the bootstrap admin unless it is known already
 *   (a revoked one stays revoked);
 * - without it, on a database that has no user yet: creates the bootstrap admin and a random token, and
 *   `announce`s it once (the caller prints it on stdout; only its sha256 is stored).
 */
export async function bootstrapAdmin(
  auth: AuthRepository,
  adminToken: string | null,
  announce: (line: string) => void,
  logger: Logger,
): Promise<BootstrapReport> {
  if (adminToken) {
    const tokenHash = hashToken(adminToken);
    const known = await auth.tokenByHash(tokenHash);
    if (known) {
      if (known.revokedAt) logger.warn('DEFECTLAB_ADMIN_TOKEN was revoked; it stays revoked');
      return { action: 'none' };
    }
    const adminId = await auth.ensureUser(BOOTSTRAP_ADMIN, false);
    await auth.addToken(adminId, { name: 'DEFECTLAB_ADMIN_TOKEN', prefix: tokenDisplayPrefix(adminToken), tokenHash });
    logger.info({ user: BOOTSTRAP_ADMIN_EMAIL }, 'registered DEFECTLAB_ADMIN_TOKEN for the bootstrap admin');
    return { action: 'env' };
  }
  if ((await auth.userCount()) > 0) return { action: 'none' };
  const token = generateToken();
  const created = await auth.createUserWithToken(BOOTSTRAP_ADMIN, { name: 'bootstrap', prefix: tokenDisplayPrefix(token), tokenHash: hashToken(token) });
  // not created: another API process bootstrapped the same database at the same moment, and its token is the one shown
  if (!created) return { action: 'none' };
  logger.info({ user: BOOTSTRAP_ADMIN_EMAIL }, 'created the bootstrap admin; its token is printed once on stdout');
  announce(`Admin token (shown once): ${token}`);
  return { action: 'generated' };
}
