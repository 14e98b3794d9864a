import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LEASE_TOKEN_HEADER, roleSatisfies, type Endpoint, type TRole } from '@defectlab/contracts';
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error';
import type { RequestWithAuth } from './auth-context';
import { AuthService } from './auth.service';
import { ENDPOINT_CONTRACT } from './route.decorator';

/**
 * True when `role` may call an endpoint of `minRole`: people's roles are ordered viewer < curator < engineer
 * < admin; `worker` stands apart (worker endpoints only, and only it may call them).
 */
export function roleAtLeast(role: TRole, minRole: TRole): boolean {
  return roleSatisfies(role, minRole);
}

/**
 * The global guard: reads the endpoint contract that @Route put on the handler and enforces its `minRole`.
 * Public (`minRole: null`) endpoints pass; otherwise a missing, malformed, unknown or revoked bearer token
 * is a 401 and a role that does not satisfy `minRole` a 403 (a person on a worker endpoint, a worker on any
 * other). An endpoint with `lease: true` also needs the lease header (403 without it); whether the lease
 * holds the run is checked by the workers service, which knows the run. A handler without a contract is refused (fail closed).
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
      const needs = endpoint.minRole === 'worker' ? 'a worker token' : `role ${endpoint.minRole} or higher`;
      throw new AppError('INSUFFICIENT_ROLE', `${endpoint.id} needs ${needs}; this token's user is ${caller.user.role}`);
    }
    if (endpoint.lease && !req.headers[LEASE_TOKEN_HEADER]) {
      throw new AppError('LEASE_TOKEN_REQUIRED', `${endpoint.id} needs the leaseToken of the run's claim in the ${LEASE_TOKEN_HEADER} header`);
    }
    req.auth = caller;
    return true;
  }
}
