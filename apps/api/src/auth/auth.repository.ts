import { Inject, Injectable } from '@nestjs/common';
import type { TRole } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import { isUniqueViolation } from '../database/unique-violation';

/** A user the API registers itself (the bootstrap admin, the embedded worker and demo accounts). */
export interface NewUser {
  readonly email: string;
  readonly name: string;
  readonly role: TRole;
}

/** A token to store: only its hash and display prefix, never the token. */
export interface NewToken {
  readonly name: string;
  readonly prefix: string;
  readonly tokenHash: string;
}

/**
 * Every Prisma call of authentication: tokens looked up by hash, and the accounts the API registers on its own
 * (bootstrap-admin.ts, workers/embedded-worker-token.ts). Takes the database before Nest runs, too (app.factory.ts).
 */
@Injectable()
export class AuthRepository {
  constructor(@Inject(DATABASE) private readonly db: Pick<Database, 'prisma'>) {}

  /** The token with this hash and its user, or null. */
  tokenByHash(tokenHash: string) {
    return this.db.prisma.apiToken.findUnique({
      where: { tokenHash },
      select: { id: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, email: true, name: true, role: true } } },
    });
  }

  async touchToken(tokenId: string, at: Date): Promise<void> {
    await this.db.prisma.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: at }, select: { id: true } });
  }

  userCount(): Promise<number> {
    return this.db.prisma.user.count();
  }

  /** Creates the user with one token; false when the user or the token exists already (created concurrently). */
  async createUserWithToken(user: NewUser, token: NewToken): Promise<boolean> {
    try {
      await this.db.prisma.user.create({ data: { ...user, tokens: { create: token } }, select: { id: true } });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /**
   * The id of the user with `user.email`, created when there is none (a concurrent creation of the same
   * e-mail is tolerated); `updateRole` also gives an existing user `user.role`.
   */
  async ensureUser(user: NewUser, updateRole: boolean): Promise<string> {
    const upsert = () =>
      this.db.prisma.user.upsert({ where: { email: user.email }, create: { ...user }, update: updateRole ? { role: user.role } : {}, select: { id: true } });
    try {
      return (await upsert()).id;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return (await upsert()).id; // another process created the user meanwhile: now it is an update
    }
  }

  async addToken(userId: string, token: NewToken): Promise<void> {
    await this.db.prisma.apiToken.create({ data: { userId, ...token }, select: { id: true } });
  }

  /** Revokes the user's live tokens named `token.name` and adds `token`, in one transaction. */
  async replaceTokens(userId: string, token: NewToken): Promise<void> {
    const prisma = this.db.prisma;
    await prisma.$transaction([
      prisma.apiToken.updateMany({ where: { userId, name: token.name, revokedAt: null }, data: { revokedAt: new Date() } }),
      prisma.apiToken.create({ data: { userId, ...token }, select: { id: true } }),
    ]);
  }
}
