import { randomBytes } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { LEASE_TOKEN_HEADER } from '@defectlab/contracts';
import type { Request } from 'express';
import { hashToken } from '../auth/tokens';

/**
 * A claim's lease token: 256 random bits, answered once by the claim; the run keeps only its sha256
 * (`Run.leaseTokenHash`). Every worker call about the run must bring it, so knowing a run id and holding a
 * worker token is not enough to act on a job another worker holds.
 */
export function issueLeaseToken(): { token: string; hash: string } {
  const token = `lease_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token) };
}

/** The sha256 of the request's lease header (RoleGuard has refused requests without one on lease endpoints). */
export const LeaseHash = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const header = ctx.switchToHttp().getRequest<Request>().headers[LEASE_TOKEN_HEADER];
  return hashToken(Array.isArray(header) ? (header[0] ?? '') : (header ?? ''));
});
