/**
 * Test data for the web e2e specs: a generated demo dataset imported through the API. Runs are trained
 * by the platform's own embedded trainer worker (real models on tiny images), never by a stand-in.
 */
import { createApiClient, getRun, importDataset, listVersionLabels, type ApiClient, type TVersionLabel } from '@defectlab/contracts';
import { generateDemoDataset } from '@defectlab/datasets';
import path from 'node:path';

/** A fixed admin token the platform registers from DEFECTLAB_ADMIN_TOKEN. */
export const E2E_ADMIN_TOKEN = 'dl_e2e_admin_token_for_web_tests_0001';

export function labClient(apiUrl: string, token = E2E_ADMIN_TOKEN): ApiClient {
  return createApiClient({ baseUrl: apiUrl, token });
}

/** Writes a small lens demo set under `<dataDir>/imports/<name>` and imports it; answers the dataset. */
export async function importDemoDataset(api: ApiClient, dataDir: string, name: string, productLine: 'lens' | 'flex' | 'smt') {
  const folder = path.join(dataDir, 'imports', name);
  await generateDemoDataset({ productLine, seed: 7, size: 64, subtleFraction: 0.6, counts: { trainGood: 16, testGood: 30, testDefective: 30 } }, folder);
  const res = await api(importDataset, { body: { path: folder, name, productLine } });
  return res.dataset;
}

/** Every label of a version (pages of 500). */
export async function allLabels(api: ApiClient, versionId: string): Promise<TVersionLabel[]> {
  const out: TVersionLabel[] = [];
  for (let page = 1; ; page++) {
    const p = await api(listVersionLabels, { params: { versionId }, query: { page, pageSize: 500 } });
    out.push(...p.items);
    if (out.length >= p.total || p.items.length === 0) return out;
  }
}

/** Polls a run until it ends (succeeded, failed or cancelled). */
export async function waitForRunEnd(api: ApiClient, runId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await api(getRun, { params: { runId } });
    if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
