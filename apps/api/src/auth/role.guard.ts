import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES, type Endpoint, type TRole } from '@defectlab/contracts';
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error';
import type { RequestWithAuth } from './auth-context';
import { AuthService } from './auth.service';
import { ENDPOINT_CONTRACT } from './route.decorator';

/** True when `role` is `minRole` or above it (viewer < curator < engineer < admin). */
export function roleAtLeast(role: TRole, minRole: TRole): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minRole);
}

/**
 * The global guard: reads the endpoint contract that @Route put on the handler and enforces its `minRole`.
 * Public (`minRole: null`) endpoints pass; otherwise a missing, malformed, unknown or revoked bearer token
 * is a 401 and a role below `minRole` a 403. A handler without a contract is refused (fail closed).
 */
@Injectable()
export class RoleGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const endpoint = this.reflector.get<Endpoint | undefined>(ENDPOINT_CONTRACT, context.getHandler());
    if (!endpoint) {
      throw new AppError('ENDPOINT_WITHOUT_CONTRACT', `${context.getClass().name}.${context.getHandler().name} has no endpoint contract (@Route)`);
    }
    if (endpoint.minRole === null) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<Request & RequestWithAuth>();
    const header = req.headers.authorization;
    if (!header) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError('UNAUTHENTICATED', 'this endpoint needs a bearer token (Authorization: Bearer dl_...)');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const caller = match ? await this.auth.authenticate(match[1]) : null;
    if (!caller) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new AppError('INVALID_TOKEN', match ? 'unknown or revoked token' : 'the Authorization header must be "Bearer <token>"');
    }
    if (!roleAtLeast(caller.user.role, endpoint.minRole)) {
      throw new AppError('INSUFFICIENT_ROLE', `${endpoint.id} needs role ${endpoint.minRole} or higher; this token's user is ${caller.user.role}`);
    }
    req.auth = caller;
    return true;
  }
}
