import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { TRole } from '@defectlab/contracts';

/** Who is calling: set on the request by RoleGuard for every endpoint that needs a token. */
export interface AuthContext {
  readonly user: { readonly id: string; readonly email: string; readonly name: string; readonly role: TRole };
  readonly tokenId: string;
}

export type RequestWithAuth = { auth?: AuthContext };

/** The caller of a protected endpoint (`@Caller() caller: AuthContext`). */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthContext => {
  const auth = ctx.switchToHttp().getRequest<RequestWithAuth>().auth;
  if (!auth) throw new Error('@Caller() used on a public endpoint');
  return auth;
});
