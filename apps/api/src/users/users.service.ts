import { Injectable } from '@nestjs/common';
import type { TApiTokenInfo, TCreateUserInput, TIssuedToken, TUser, TUpdateUserInput } from '@defectlab/contracts';
import { generateToken, hashToken, tokenDisplayPrefix } from '../auth/tokens';
import { UsersError } from './users.errors';
import { LAST_ADMIN, UsersRepository } from './users.repository';

/** Users and their API tokens; there is always an admin with a live token. Queries: users.repository.ts. */
@Injectable()
export class UsersService {
  constructor(private readonly repo: UsersRepository) {}

  list(): Promise<TUser[]> {
    return this.repo.list();
  }

  async create(input: TCreateUserInput): Promise<TUser> {
    const user = await this.repo.create(input);
    if (!user) throw new UsersError('EMAIL_TAKEN', `a user with e-mail ${input.email} exists`);
    return user;
  }

  /** Changes a user's name or role. Demoting the last admin is refused (LAST_ADMIN): nobody could manage users and tokens any more. */
  async update(userId: string, input: TUpdateUserInput): Promise<TUser> {
    await this.user(userId);
    const updated = await this.repo.updateKeepingAnAdmin(userId, input);
    if (updated === LAST_ADMIN) throw new UsersError('LAST_ADMIN', 'this is the last admin: make another user admin before changing its role');
    return updated;
  }

  async listTokens(userId: string): Promise<TApiTokenInfo[]> {
    await this.user(userId);
    return this.repo.listTokens(userId);
  }

  /** Issues a token; the secret appears in this return value only, the database keeps its sha256. */
  async issueToken(userId: string, name: string): Promise<TIssuedToken> {
    await this.user(userId);
    const token = generateToken();
    const info = await this.repo.createToken({ userId, name, prefix: tokenDisplayPrefix(token), tokenHash: hashToken(token) });
    return { ...info, token };
  }

  /** Revokes a token. Revoking the last live token of the last admin is refused (LAST_ADMIN): it would lock every admin out. */
  async revokeToken(tokenId: string): Promise<TApiTokenInfo> {
    const revoked = await this.repo.revokeKeepingAnAdminToken(tokenId);
    if (revoked === null) throw new UsersError('TOKEN_NOT_FOUND', `no token ${tokenId}`);
    if (revoked === LAST_ADMIN) throw new UsersError('LAST_ADMIN', "this is the last admin's last token: issue another admin token before revoking it");
    return revoked;
  }

  token(tokenId: string): Promise<TApiTokenInfo> {
    return this.repo.getToken(tokenId);
  }

  async user(userId: string): Promise<TUser> {
    const user = await this.repo.find(userId);
    if (!user) throw new UsersError('USER_NOT_FOUND', `no user ${userId}`);
    return user;
  }
}
