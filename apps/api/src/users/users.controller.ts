import { Controller } from '@nestjs/common';
import {
  createUser,
  createUserToken,
  getMe,
  listUsers,
  listUserTokens,
  revokeToken,
  updateUser,
  type TApiTokenInfo,
  type TCreateTokenInput,
  type TCreateUserInput,
  type TIssuedToken,
  type TMe,
  type TUpdateUserInput,
  type TUser,
} from '@defectlab/contracts';
import { Caller, type AuthContext } from '../auth/auth-context';
import { Route, ValidBody, ValidParams } from '../auth/route.decorator';
import { UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Route(getMe)
  async me(@Caller() caller: AuthContext): Promise<TMe> {
    return { user: await this.users.user(caller.user.id), token: await this.users.token(caller.tokenId) };
  }

  @Route(listUsers)
  list(): Promise<TUser[]> {
    return this.users.list();
  }

  @Route(createUser)
  create(@ValidBody(createUser) body: TCreateUserInput): Promise<TUser> {
    return this.users.create(body);
  }

  @Route(updateUser)
  update(@ValidParams(updateUser) params: { userId: string }, @ValidBody(updateUser) body: TUpdateUserInput): Promise<TUser> {
    return this.users.update(params.userId, body);
  }

  @Route(listUserTokens)
  tokens(@ValidParams(listUserTokens) params: { userId: string }): Promise<TApiTokenInfo[]> {
    return this.users.listTokens(params.userId);
  }

  @Route(createUserToken)
  issue(@ValidParams(createUserToken) params: { userId: string }, @ValidBody(createUserToken) body: TCreateTokenInput): Promise<TIssuedToken> {
    return this.users.issueToken(params.userId, body.name);
  }

  @Route(revokeToken)
  revoke(@ValidParams(revokeToken) params: { tokenId: string }): Promise<TApiTokenInfo> {
    return this.users.revokeToken(params.tokenId);
  }
}
