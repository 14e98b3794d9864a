import { Injectable } from '@nestjs/common';
import type { TRole } from '@defectlab/contracts';
import type { AuthContext } from './auth-context';
import { AuthRepository } from './auth.repository';
import { hashToken } from './tokens';

/** lastUsedAt is refreshed at most this often per token (a write on every request would be wasteful). */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class AuthService {
  constructor(private readonly repo: AuthRepository) {}

  /** The caller behind a bearer token, or null for an unknown or revoked token. */
  async authenticate(token: string): Promise<AuthContext | null> {
    const row = await this.repo.tokenByHash(hashToken(token));
    if (!row || row.revokedAt) return null;
    const now = Date.now();
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.repo.touchToken(row.id, new Date(now));
    }
    return { user: { ...row.user, role: row.user.role as TRole }, tokenId: row.id };
  }
}
