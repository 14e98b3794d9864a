import {
  apiRequestError,
  createApiClient,
  endpointUrl,
  getJobArtifact,
  getJobBlob,
  LEASE_TOKEN_HEADER,
  uploadArtifact as uploadArtifactEndpoint,
  ZArtifact,
  type ApiRequestError,
  type ApiClient,
  type TArtifact,
  type TArtifactKind,
} from '@defectlab/contracts';

/** A claimed job as far as the API client needs it: the run and the claim's lease token. */
export interface JobLease {
  readonly runId: string;
  readonly leaseToken: string;
}

/** The typed API client plus the binary calls the JSON client does not make (blob and artifact download, artifact upload). */
export interface WorkerApi {
  readonly call: ApiClient;
  /** Bytes and content type of an image or mask of the job's dataset version (a client from `forJob` only). */
  downloadBlob(sha256: string): Promise<{ bytes: Buffer; contentType: string }>;
  /** Bytes of an artifact of the job's run, e.g. an earlier attempt's checkpoint (a client from `forJob` only). */
  downloadArtifact(artifactId: string): Promise<Buffer>;
  uploadArtifact(runId: string, workerId: string, kind: TArtifactKind, bytes: Uint8Array, contentType: string): Promise<TArtifact>;
  /** The same client for one claimed job: every request carries the job's lease token. */
  forJob(job: JobLease): WorkerApi;
}

async function errorOf(res: Response): Promise<ApiRequestError> {
  return apiRequestError(res.status, await res.text());
}

/** A client for `baseUrl` authenticated with a worker token (role worker); with `job`, also with its lease. */
export function createWorkerApi(baseUrl: string, token: string, job?: JobLease): WorkerApi {
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(job ? { [LEASE_TOKEN_HEADER]: job.leaseToken } : {}) };
  const needJob = (what: string): JobLease => {
    if (!job) throw new Error(`${what} needs a claimed job's lease: use api.forJob(job)`);
    return job;
  };
  const get = async (url: string) => {
    const res = await fetch(`${baseUrl}${url}`, { headers });
    if (!res.ok) throw await errorOf(res);
    return res;
  };
  return {
    call: createApiClient({ baseUrl, token, headers: job ? { [LEASE_TOKEN_HEADER]: job.leaseToken } : {} }),
    async downloadBlob(sha256) {
      const res = await get(endpointUrl(getJobBlob.path, { runId: needJob('downloadBlob').runId, sha256 }));
      return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
    },
    async downloadArtifact(artifactId) {
      const res = await get(endpointUrl(getJobArtifact.path, { runId: needJob('downloadArtifact').runId, artifactId }));
      return Buffer.from(await res.arrayBuffer());
    },
    async uploadArtifact(runId, workerId, kind, bytes, contentType) {
      const qs = new URLSearchParams({ workerId, kind, contentType });
      const res = await fetch(`${baseUrl}${endpointUrl(uploadArtifactEndpoint.path, { runId })}?${qs}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      if (!res.ok) throw await errorOf(res);
      return ZArtifact.parse(await res.json());
    },
    forJob(j) {
      return createWorkerApi(baseUrl, token, j);
    },
  };
}
