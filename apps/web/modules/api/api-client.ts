import { createApiClient } from '@defectlab/contracts';
import { webFetch } from './web-fetch';

/**
 * The browser's typed API client. Requests go to the web app's own origin (`/api/*`), which the web app
 * forwards to the NestJS API (app/api/[...path]/route.ts) with the session cookie as the Bearer header, so no
 * CORS, no API URL and no token in the bundle; `webFetch` adds the CSRF header to state-changing calls.
 */
export const api = createApiClient({ baseUrl: '', fetch: webFetch });
