import { createApiClient } from '@defectlab/contracts';

/**
 * The browser's typed API client. Requests go to the web app's own origin (`/api/*`), which
 * Next.js forwards to the NestJS API (next.config.ts), so no CORS and no API URL in the bundle.
 */
export const api = createApiClient({ baseUrl: '' });
