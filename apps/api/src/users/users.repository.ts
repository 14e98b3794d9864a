import { Inject, Injectable } from '@nestjs/common';
import type { TApiTokenInfo, TRole, TUpdateUserInput, TUser } from '@defectlab/contracts';
import type { Database } from '../database/database';
import { DATABASE } from '../database/database.module';
import { isUniqueViolation } from '../database/unique-violation';
import type { Prisma } from '../generated/prisma/client';

/** The columns a user is answered with. */
export const USER_SELECT = { id: true, email: true, name: true, role: true, createdAt: true } satisfies Prisma.UserSelect;
type UserRow = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

/** The columns a token is answered with (never its hash). */
export const TOKEN_SELECT = { id: true, userId: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } satisfies Prisma.ApiTokenSelect;
type TokenRow = Prisma.ApiTokenGetPayload<{ select: typeof TOKEN_SELECT }>;

export const toUser = (u: UserRow): TUser => ({ ...u, role: u.role as TRole, createdAt: u.createdAt.toISOString() });
export const toTokenInfo = (t: TokenRow): TApiTokenInfo => ({
  ...t,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

/** Why a change that would leave no admin (or no admin token) was not made. */
export const LAST_ADMIN = 'last-admin' as const;

/** Every Prisma call of the users feature. */
@Injectable()
export class UsersRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(): Promise<TUser[]> {
    return (await this.db.prisma.user.findMany({ select: USER_SELECT, orderBy: { createdAt: 'asc' } })).map(toUser);
  }

  async find(userId: string): Promise<TUser | null> {
    const user = await this.db.prisma.user.findUnique({ where: { id: userId }, select: USER_SELECT });
    return user ? toUser(user) : null;
  }

  /** Creates the user; null when the e-mail is taken. */
  async create(input: { email: string; name: string; role: TRole }): Promise<TUser | null> {
    try {
      return toUser(await this.db.prisma.user.create({ data: { email: input.email, name: input.name, role: input.role }, select: USER_SELECT }));
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /**
   * Changes a user's name or role, unless it demotes the last admin (LAST_ADMIN is returned, nothing changes).
   * The admins' rows are locked first, so two admins demoting each other at once leave one.
   */
  async updateKeepingAnAdmin(userId: string, input: TUpdateUserInput): Promise<TUser | typeof LAST_ADMIN> {
    return this.db.prisma.$transaction(async (tx) => {
      if (input.role !== undefined && input.role !== 'admin') {
        const admins = await tx.$queryRaw<{ id: string }[]>`SELECT "id"::text AS "id" FROM "User" WHERE "role" = 'admin' ORDER BY "id" FOR UPDATE`;
        if (admins.length === 1 && admins[0].id === userId) return LAST_ADMIN;
      }
      return toUser(await tx.user.update({ where: { id: userId }, data: { name: input.name, role: input.role }, select: USER_SELECT }));
    });
  }

  async listTokens(userId: string): Promise<TApiTokenInfo[]> {
    return (await this.db.prisma.apiToken.findMany({ where: { userId }, select: TOKEN_SELECT, orderBy: { createdAt: 'asc' } })).map(toTokenInfo);
  }

  async createToken(data: { userId: string; name: string; prefix: string; tokenHash: string }): Promise<TApiTokenInfo> {
    return toTokenInfo(await this.db.prisma.apiToken.create({ data, select: TOKEN_SELECT }));
  }

  /**
   * Revokes a token (again: keeps its first revocation time); null when there is no such token, LAST_ADMIN
   * (nothing changes) when it is the last live token of any admin. The tokens of all admins are locked first.
   */
  async revokeKeepingAnAdminToken(tokenId: string): Promise<TApiTokenInfo | null | typeof LAST_ADMIN> {
    return this.db.prisma.$transaction(async (tx) => {
      const found = await tx.apiToken.findUnique({ where: { id: tokenId }, select: { revokedAt: true, user: { select: { role: true } } } });
      if (!found) return null;
      if (!found.revokedAt && found.user.role === 'admin') {
        const live = await tx.$queryRaw<{ id: string }[]>`
          SELECT t."id"::text AS "id" FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId"
          WHERE u."role" = 'admin' AND t."revokedAt" IS NULL ORDER BY t."id" FOR UPDATE OF t`;
        if (live.length === 1 && live[0].id === tokenId) return LAST_ADMIN;
      }
      return toTokenInfo(await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: found.revokedAt ?? new Date() }, select: TOKEN_SELECT }));
    });
  }

  async getToken(tokenId: string): Promise<TApiTokenInfo> {
    return toTokenInfo(await this.db.prisma.apiToken.findUniqueOrThrow({ where: { id: tokenId }, select: TOKEN_SELECT }));
  }
}
