import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Roles of people, in ascending order of power (DESIGN.md section 3): each may do what the ones below it may. */
export const PERSON_ROLES = ['viewer', 'curator', 'engineer', 'admin'] as const;
/**
 * Every role: the people's, plus `worker`, a trainer process. A worker stands outside the people's order:
 * it may call the worker endpoints (minRole `worker`) and nothing else, and no person may call those.
 */
export const ROLES = [...PERSON_ROLES, 'worker'] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

/**
 * True when a caller with `role` may call an endpoint of `minRole`: a person's role at or above a person's
 * minRole; `worker` only for worker endpoints, which no person may call.
 */
export function roleSatisfies(role: TRole, minRole: TRole): boolean {
  if (role === 'worker' || minRole === 'worker') return role === minRole;
  return PERSON_ROLES.indexOf(role) >= PERSON_ROLES.indexOf(minRole);
}

/** The header that carries a claimed job's lease token on every worker call about that job. */
export const LEASE_TOKEN_HEADER = 'x-lease-token';

/**
 * One HTTP operation of the API: the single source of truth for the server's validation,
 * the OpenAPI document and the typed client used by the web app and the trainer.
 */
export interface Endpoint<
  TParams extends z.ZodType = z.ZodType,
  TQuery extends z.ZodType = z.ZodType,
  TBody extends z.ZodType = z.ZodType,
  TResponse extends z.ZodType = z.ZodType,
> {
  readonly id: string;
  readonly method: HttpMethod;
  /** Express-style path, e.g. `/api/runs/:runId`. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** Minimum role, or `null` for a public endpoint (health, OpenAPI); see `roleSatisfies`. */
  readonly minRole: TRole | null;
  /** True when the call also needs the lease token of the run's current claim (header `LEASE_TOKEN_HEADER`). */
  readonly lease?: boolean;
  readonly params?: TParams;
  readonly query?: TQuery;
  readonly body?: TBody;
  readonly response: TResponse;
  /** Error statuses particular to this endpoint, each with its code(s) and when (documented in the OpenAPI document). */
  readonly errors?: Readonly<Record<number, string>>;
  /** HTTP status of a successful response. */
  readonly successStatus: number;
}

/** Declares an endpoint with its types preserved (defaults: public = false, status 200). */
export function defineEndpoint<
  TParams extends z.ZodType = z.ZodUndefined,
  TQuery extends z.ZodType = z.ZodUndefined,
  TBody extends z.ZodType = z.ZodUndefined,
  TResponse extends z.ZodType = z.ZodType,
>(
  e: Omit<Endpoint<TParams, TQuery, TBody, TResponse>, 'successStatus'> & { successStatus?: number },
): Endpoint<TParams, TQuery, TBody, TResponse> {
  return { ...e, successStatus: e.successStatus ?? 200 };
}

export type EndpointResponse<E> = E extends Endpoint<z.ZodType, z.ZodType, z.ZodType, infer R> ? z.output<R> : never;
export type EndpointInput<E> =
  E extends Endpoint<infer P, infer Q, infer B, z.ZodType>
    ? (P extends z.ZodUndefined ? { params?: undefined } : { params: z.input<P> }) &
        (Q extends z.ZodUndefined ? { query?: undefined } : { query?: z.input<Q> }) &
        (B extends z.ZodUndefined ? { body?: undefined } : { body: z.input<B> })
    : never;

/** Fills `:name` segments of an endpoint path. */
export function endpointUrl(path: string, params: Record<string, string | number> = {}): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`missing path parameter "${key}" for ${path}`);
    return encodeURIComponent(String(value));
  });
}
