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

export interface ApiClientOptions {
  /** Origin of the API, e.g. "http://127.0.0.1:3333"; "" for same-origin requests in a browser. */
  readonly baseUrl: string;
  readonly token?: string | null;
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
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (i.body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(url, {
      method: endpoint.method,
      headers,
      body: i.body === undefined ? undefined : JSON.stringify(i.body),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const parsed = ZApiError.safeParse(json);
      throw new ApiRequestError(
        res.status,
        parsed.success ? parsed.data : { statusCode: res.status, code: 'HTTP_ERROR', message: text.slice(0, 500) },
      );
    }
    return (endpoint.response as z.ZodType).parse(json) as EndpointResponse<typeof endpoint>;
  };
}
