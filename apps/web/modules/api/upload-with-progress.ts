import { apiRequestError, ZImportResult, type TImportResult } from '@defectlab/contracts';
import { requestHeaders } from './request-headers';

/**
 * POSTs a multipart form to the web app's own /api forwarder and reports the bytes sent. XMLHttpRequest only
 * because fetch cannot report upload progress; the answer is checked with the contract's schema like the typed
 * client's, and a failure becomes the same ApiRequestError. It sends the shared `requestHeaders` (the session's
 * CSRF header; the HttpOnly session cookie goes along by itself, same origin), so the upload is authorised exactly
 * like every call of the typed client; `headers` adds others.
 */
export function uploadWithProgress(
  path: string,
  form: FormData,
  headers: Readonly<Record<string, string>>,
  onProgress: (sent: number, total: number) => void,
): Promise<TImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries({ ...requestHeaders('POST'), ...headers, accept: 'application/json' })) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onerror = () => reject(new Error('the upload failed (network error)'));
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(apiRequestError(xhr.status, xhr.responseText));
        return;
      }
      try {
        resolve(ZImportResult.parse(JSON.parse(xhr.responseText)));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    xhr.send(form);
  });
}
