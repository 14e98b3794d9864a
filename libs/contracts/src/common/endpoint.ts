import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Roles in ascending order of power (DESIGN.md section 3). */
export const ROLES = ['viewer', 'curator', 'engineer', 'admin'] as const;
export const ZRole = z.enum(ROLES);
export type TRole = z.infer<typeof ZRole>;

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
  /** Minimum role, or `null` for a public endpoint (health, OpenAPI). */
  readonly minRole: TRole | null;
  readonly params?: TParams;
  readonly query?: TQuery;
  readonly body?: TBody;
  readonly response: TResponse;
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
