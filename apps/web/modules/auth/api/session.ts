import { apiRequestError, ZMe, type TMe } from '@defectlab/contracts';
import { webFetch } from '../../api/web-fetch';
import { SESSION_PATH } from '../lib/session-names';

/** Starts the browser session: the web app checks the token and keeps it in an HttpOnly cookie (app/session/route.ts). */
export async function startSession(token: string): Promise<TMe> {
  const res = await webFetch(SESSION_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const text = await res.text();
  if (!res.ok) throw apiRequestError(res.status, text);
  return ZMe.parse(JSON.parse(text));
}

/** Ends the browser session (the cookies are cleared by the web app). */
export async function endSession(): Promise<void> {
  const res = await webFetch(SESSION_PATH, { method: 'DELETE' });
  if (!res.ok) throw apiRequestError(res.status, await res.text());
}
