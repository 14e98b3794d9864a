import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import { generateToken, hashToken, tokenDisplayPrefix } from './tokens';

export const BOOTSTRAP_ADMIN_EMAIL = 'admin@localhost';

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
  prisma: PrismaClient,
  adminToken: string | null,
  announce: (line: string) => void,
  logger: Logger,
): Promise<BootstrapReport> {
  if (adminToken) {
    const tokenHash = hashToken(adminToken);
    const known = await prisma.apiToken.findUnique({ where: { tokenHash }, select: { revokedAt: true } });
    if (known) {
      if (known.revokedAt) logger.warn('DEFECTLAB_ADMIN_TOKEN was revoked; it stays revoked');
      return { action: 'none' };
    }
    const admin = await ensureAdminUser(prisma);
    await prisma.apiToken.create({ data: { userId: admin.id, name: 'DEFECTLAB_ADMIN_TOKEN', prefix: tokenDisplayPrefix(adminToken), tokenHash } });
    logger.info({ user: admin.email }, 'registered DEFECTLAB_ADMIN_TOKEN for the bootstrap admin');
    return { action: 'env' };
  }
  if ((await prisma.user.count()) > 0) return { action: 'none' };
  const token = generateToken();
  try {
    await prisma.user.create({
      data: {
        email: BOOTSTRAP_ADMIN_EMAIL,
        name: 'Administrator',
        role: 'admin',
        tokens: { create: { name: 'bootstrap', prefix: tokenDisplayPrefix(token), tokenHash: hashToken(token) } },
      },
    });
  } catch (err) {
    // another API process bootstrapped the same database at the same moment: its token is the one shown
    if ((err as { code?: string }).code === 'P2002') return { action: 'none' };
    throw err;
  }
  logger.info({ user: BOOTSTRAP_ADMIN_EMAIL }, 'created the bootstrap admin; its token is printed once on stdout');
  announce(`Admin token (shown once): ${token}`);
  return { action: 'generated' };
}

async function ensureAdminUser(prisma: PrismaClient): Promise<{ id: string; email: string }> {
  const existing = await prisma.user.findUnique({ where: { email: BOOTSTRAP_ADMIN_EMAIL }, select: { id: true, email: true } });
  if (existing) return existing;
  try {
    return await prisma.user.create({ data: { email: BOOTSTRAP_ADMIN_EMAIL, name: 'Administrator', role: 'admin' }, select: { id: true, email: true } });
  } catch (err) {
    if ((err as { code?: string }).code !== 'P2002') throw err;
    return prisma.user.findUniqueOrThrow({ where: { email: BOOTSTRAP_ADMIN_EMAIL }, select: { id: true, email: true } });
  }
}
