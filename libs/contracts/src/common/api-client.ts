import type { z } from 'zod';
import { ZApiError, type TApiError } from './api-error.schema';
import { endpointUrl, type Endpoint, type EndpointInput, type EndpointResponse } from './endpoint';

/** An error response from the API, carrying its parsed body. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly body: TApiError,
  ) {
    super(`${status} ${body.code}: ${body.message}`);
  }
}

/**
 * The error for a failed response: its ApiError body when it has one, else a generic `HTTP_ERROR` with
 * the start of the body (a proxy's HTML page, say). For callers that make requests the typed client
 * does not (binary downloads and uploads).
 */
export function apiRequestError(status: number, bodyText: string): ApiRequestError {
  let json: unknown;
  try {
    json = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    json = undefined;
  }
  const parsed = ZApiError.safeParse(json);
  return new ApiRequestError(status, parsed.success ? parsed.data : { statusCode: status, code: 'HTTP_ERROR', message: bodyText.slice(0, 500) });
}

export interface ApiClientOptions {
  /** Origin of the API, e.g. "http://127.0.0.1:3333"; "" for same-origin requests in a browser. */
  readonly baseUrl: string;
  readonly token?: string | null;
  /** Sent with every request (a worker's lease token, say). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
}

export type ApiClient = <E extends Endpoint>(endpoint: E, input?: EndpointInput<E>) => Promise<EndpointResponse<E>>;

/**
 * A typed client over the endpoint contracts: inputs are typed from the schemas and responses
 * are validated with the same zod schema the server uses, so a drifted server fails loudly.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? fetch;
  return async (endpoint, input) => {
    const i = (input ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
    let url = options.baseUrl + endpointUrl(endpoint.path, i.params);
    if (i.query) {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(i.query)) if (v !== undefined && v !== null) qs.set(k, String(v));
      const s = qs.toString();
      if (s) url += `?${s}`;
    }
    const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (i.body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(url, {
      method: endpoint.method,
      headers,
      body: i.body === undefined ? undefined : JSON.stringify(i.body),
    });
    const text = await res.text();
    if (!res.ok) throw apiRequestError(res.status, text);
    const json: unknown = text ? JSON.parse(text) : undefined;
    return (endpoint.response as z.ZodType).parse(json) as EndpointResponse<typeof endpoint>;
  };
}
