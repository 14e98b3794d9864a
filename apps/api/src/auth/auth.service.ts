import { Inject, Injectable } from '@nestjs/common';
import type { TRole } from '@defectlab/contracts';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import type { AuthContext } from './auth-context';
import { hashToken } from './tokens';

/** lastUsedAt is refreshed at most this often per token (a write on every request would be wasteful). */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class AuthService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The caller behind a bearer token, or null for an unknown or revoked token. */
  async authenticate(token: string): Promise<AuthContext | null> {
    const row = await this.db.prisma.apiToken.findUnique({
      where: { tokenHash: hashToken(token) },
      select: { id: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
    });
    if (!row || row.revokedAt) return null;
    const now = Date.now();
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.db.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) }, select: { id: true } });
    }
    return { user: { ...row.user, role: row.user.role as TRole }, tokenId: row.id };
  }
}
