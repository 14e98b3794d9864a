import { apiRequestError, createApiClient, ZArtifact, type ApiRequestError, type ApiClient, type TArtifact, type TArtifactKind } from '@defectlab/contracts';

/** The typed API client plus the binary calls the JSON client does not make (blob and artifact download, artifact upload). */
export interface WorkerApi {
  readonly call: ApiClient;
  /** Bytes and content type of a stored image or mask. */
  downloadBlob(sha256: string): Promise<{ bytes: Buffer; contentType: string }>;
  /** Bytes of a stored artifact (e.g. an earlier attempt's checkpoint). */
  downloadArtifact(artifactId: string): Promise<Buffer>;
  uploadArtifact(runId: string, workerId: string, kind: TArtifactKind, bytes: Uint8Array, contentType: string): Promise<TArtifact>;
}

async function errorOf(res: Response): Promise<ApiRequestError> {
  return apiRequestError(res.status, await res.text());
}

/** A client for `baseUrl` authenticated with a worker's API token (role engineer). */
export function createWorkerApi(baseUrl: string, token: string): WorkerApi {
  const auth = { authorization: `Bearer ${token}` };
  return {
    call: createApiClient({ baseUrl, token }),
    async downloadBlob(sha256) {
      const res = await fetch(`${baseUrl}/api/blobs/${sha256}`, { headers: auth });
      if (!res.ok) throw await errorOf(res);
      return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
    },
    async downloadArtifact(artifactId) {
      const res = await fetch(`${baseUrl}/api/artifacts/${artifactId}/content`, { headers: auth });
      if (!res.ok) throw await errorOf(res);
      return Buffer.from(await res.arrayBuffer());
    },
    async uploadArtifact(runId, workerId, kind, bytes, contentType) {
      const qs = new URLSearchParams({ workerId, kind, contentType });
      const res = await fetch(`${baseUrl}/api/worker/runs/${runId}/artifacts?${qs}`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      if (!res.ok) throw await errorOf(res);
      return ZArtifact.parse(await res.json());
    },
  };
}
