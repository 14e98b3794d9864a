import { Inject, Injectable } from '@nestjs/common';
import type { TApiTokenInfo, TCreateUserInput, TIssuedToken, TRole, TUser, TUpdateUserInput } from '@defectlab/contracts';
import { generateToken, hashToken, tokenDisplayPrefix } from '../auth/tokens';
import { DATABASE } from '../database/database.module';
import type { Database } from '../database/database';
import { AppError } from '../errors/app-error';

const USER_SELECT = { id: true, email: true, name: true, role: true, createdAt: true } as const;
const TOKEN_SELECT = { id: true, userId: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

type UserRow = { id: string; email: string; name: string; role: string; createdAt: Date };
type TokenRow = { id: string; userId: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

export const toUser = (u: UserRow): TUser => ({ ...u, role: u.role as TRole, createdAt: u.createdAt.toISOString() });
export const toTokenInfo = (t: TokenRow): TApiTokenInfo => ({
  ...t,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === 'P2002';

@Injectable()
export class UsersService {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async list(): Promise<TUser[]> {
    return (await this.db.prisma.user.findMany({ select: USER_SELECT, orderBy: { createdAt: 'asc' } })).map(toUser);
  }

  async create(input: TCreateUserInput): Promise<TUser> {
    try {
      return toUser(await this.db.prisma.user.create({ data: { email: input.email, name: input.name, role: input.role }, select: USER_SELECT }));
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN', `a user with e-mail ${input.email} exists`);
      throw err;
    }
  }

  /**
   * Changes a user's name or role. Demoting the last admin is refused (LAST_ADMIN): nobody could manage users
   * and tokens any more. The admins' rows are locked first, so two admins demoting each other at once leave one.
   */
  async update(userId: string, input: TUpdateUserInput): Promise<TUser> {
    await this.requireUser(userId);
    return this.db.prisma.$transaction(async (tx) => {
      if (input.role !== undefined && input.role !== 'admin') {
        const admins = await tx.$queryRaw<{ id: string }[]>`SELECT "id"::text AS "id" FROM "User" WHERE "role" = 'admin' ORDER BY "id" FOR UPDATE`;
        if (admins.length === 1 && admins[0].id === userId) {
          throw new AppError('LAST_ADMIN', 'this is the last admin: make another user admin before changing its role');
        }
      }
      return toUser(await tx.user.update({ where: { id: userId }, data: { name: input.name, role: input.role }, select: USER_SELECT }));
    });
  }

  async listTokens(userId: string): Promise<TApiTokenInfo[]> {
    await this.requireUser(userId);
    return (await this.db.prisma.apiToken.findMany({ where: { userId }, select: TOKEN_SELECT, orderBy: { createdAt: 'asc' } })).map(toTokenInfo);
  }

  /** Issues a token; the secret appears in this return value only, the database keeps its sha256. */
  async issueToken(userId: string, name: string): Promise<TIssuedToken> {
    await this.requireUser(userId);
    const token = generateToken();
    const row = await this.db.prisma.apiToken.create({
      data: { userId, name, prefix: tokenDisplayPrefix(token), tokenHash: hashToken(token) },
      select: TOKEN_SELECT,
    });
    return { ...toTokenInfo(row), token };
  }

  /**
   * Revokes a token. Revoking the last live token of the last admin is refused (LAST_ADMIN): it would lock
   * every admin out (the tokens of all admins are locked first, as in `update`).
   */
  async revokeToken(tokenId: string): Promise<TApiTokenInfo> {
    return this.db.prisma.$transaction(async (tx) => {
      const found = await tx.apiToken.findUnique({ where: { id: tokenId }, select: { revokedAt: true, user: { select: { role: true } } } });
      if (!found) throw new AppError('TOKEN_NOT_FOUND', `no token ${tokenId}`);
      if (!found.revokedAt && found.user.role === 'admin') {
        const live = await tx.$queryRaw<{ id: string }[]>`
          SELECT t."id"::text AS "id" FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId"
          WHERE u."role" = 'admin' AND t."revokedAt" IS NULL ORDER BY t."id" FOR UPDATE OF t`;
        if (live.length === 1 && live[0].id === tokenId) {
          throw new AppError('LAST_ADMIN', "this is the last admin's last token: issue another admin token before revoking it");
        }
      }
      const row = await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: found.revokedAt ?? new Date() }, select: TOKEN_SELECT });
      return toTokenInfo(row);
    });
  }

  async token(tokenId: string): Promise<TApiTokenInfo> {
    return toTokenInfo(await this.db.prisma.apiToken.findUniqueOrThrow({ where: { id: tokenId }, select: TOKEN_SELECT }));
  }

  async user(userId: string): Promise<TUser> {
    return toUser(await this.requireUser(userId));
  }

  private async requireUser(userId: string): Promise<UserRow> {
    const user = await this.db.prisma.user.findUnique({ where: { id: userId }, select: USER_SELECT });
    if (!user) throw new AppError('USER_NOT_FOUND', `no user ${userId}`);
    return user;
  }
}
