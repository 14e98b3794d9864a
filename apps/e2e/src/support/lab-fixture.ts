/**
 * Test data for the web e2e specs: a generated demo dataset imported through the API, and a
 * scripted worker that takes a queued run through the real worker protocol (claim, progress,
 * artifacts, evaluation, complete) with deterministic synthetic scores. It exercises the same
 * endpoints the trainer worker calls, without minutes of training on a 2-core machine.
 */
import {
  ZArtifact,
  claimJob,
  completeRun,
  createApiClient,
  getRun,
  importDataset,
  listVersionLabels,
  reportProgress,
  submitEvaluation,
  type ApiClient,
  type TEvaluationReport,
  type TOperatingPoint,
  type TOperatingPointRule,
  type TVersionLabel,
} from '@defectlab/contracts';
import { generateDemoDataset } from '@defectlab/datasets';
import { confusionIntervals, fitAndApplyOperatingPoints, type ConfusionMetrics } from '@defectlab/metrics';
import path from 'node:path';
import sharp from 'sharp';

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

/** A deterministic score: defective images score higher on average, with overlap (so thresholds trade miss for overkill). */
export function syntheticScore(relPath: string, defective: boolean, salt = 0): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < relPath.length; i++) h = Math.imul(h ^ relPath.charCodeAt(i), 16777619);
  const u = ((h >>> 0) % 100_000) / 100_000;
  return Math.round(((defective ? 0.45 : 0.1) + u * 0.55) * 1e6) / 1e6;
}

const figures = (m: ConfusionMetrics) => ({
  missRate: m.missRate,
  overkillRate: m.overkillRate,
  accuracy: m.accuracy,
  counts: { tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn, good: m.nGood, defective: m.nDefective },
});

/** A grey-scale PNG anomaly map: a bright blob in the middle (stands in for a model's map). */
async function blobMap(size: number, strength: number): Promise<Buffer> {
  const px = Buffer.alloc(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - size / 2, y - size / 2) / (size / 2);
      px[y * size + x] = Math.round(255 * strength * Math.max(0, 1 - d));
    }
  return sharp(px, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();
}

/**
 * Claims the queued run `runId` and finishes it like a worker would. Test images are scored with
 * `syntheticScore`; the train images double as "validation" for fitting the operating points.
 * Answers false (doing nothing) when another worker took the run first.
 */
export async function finishRunAsWorker(apiUrl: string, runId: string, versionId: string, salt = 0): Promise<boolean> {
  const api = labClient(apiUrl);
  const workerId = `e2e-scripted-worker-${salt}`;
  const claim = await api(claimJob, {
    body: { workerId, waitSeconds: 5, worker: { hardware: { cpu: 'e2e' }, runtime: { node: process.version }, codeVersion: null } },
  });
  if (!claim.job || claim.job.runId !== runId) return false;
  for (let epoch = 1; epoch <= 5; epoch++) {
    await api(reportProgress, {
      params: { runId },
      body: { workerId, points: [{ phase: 'fit', epoch, epochs: 5, step: epoch * 10, steps: 50, loss: 2 / epoch + 0.1, etaSeconds: (5 - epoch) * 2 }] },
    });
  }
  const labels = await allLabels(api, versionId);
  const test = labels.filter((l) => l.split === 'test');
  const val = labels.filter((l) => l.split === 'train').slice(0, 8);
  const scored = [
    ...test.map((l) => ({ l, split: 'test' as const, score: syntheticScore(l.relPath, l.value === 'defective', salt) })),
    // validation: a few good train images plus the test defects' scores shifted a bit, so fitting sees both classes
    ...val.map((l) => ({ l, split: 'validation' as const, score: syntheticScore(l.relPath, false, salt) })),
  ];
  // anomaly maps for the first ten test images
  const maps = new Map<string, string>();
  for (const s of scored.filter((x) => x.split === 'test').slice(0, 10)) {
    const qs = new URLSearchParams({ workerId, kind: 'anomaly_map', contentType: 'image/png' });
    const res = await fetch(`${apiUrl}/api/worker/runs/${runId}/artifacts?${qs}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(await blobMap(64, Math.min(1, s.score))),
    });
    if (!res.ok) throw new Error(`artifact upload: ${res.status} ${await res.text()}`);
    maps.set(s.l.imageId, ZArtifact.parse(await res.json()).id);
  }
  const set = (split: string) => {
    const p = scored.filter((x) => x.split === split || (split === 'validation' && x.split === 'test' && x.l.value === 'defective'));
    return { predScores: p.map((x) => x.score + (split === 'validation' && x.split === 'test' ? 0.01 : 0)), gtLabels: p.map((x) => (x.l.value === 'defective' ? 1 : 0)) };
  };
  const valSet = set('validation');
  const testSet = { predScores: test.map((l) => syntheticScore(l.relPath, l.value === 'defective', salt)), gtLabels: test.map((l) => (l.value === 'defective' ? 1 : 0)) };
  const rules: { name: string; rule: TOperatingPointRule & { kind: 'min-overkill-at-miss' | 'max-f1' }; oracle: boolean }[] = [
    { name: 'miss<=5%', rule: { kind: 'min-overkill-at-miss', maxMissRate: 0.05 }, oracle: false },
    { name: 'f1-max', rule: { kind: 'max-f1' }, oracle: false },
    { name: 'oracle:f1-max', rule: { kind: 'max-f1' }, oracle: true },
  ];
  const operatingPoints: TOperatingPoint[] = rules.map((r) => {
    const [p] = fitAndApplyOperatingPoints(r.oracle ? testSet : valSet, testSet, [r.rule]);
    const ci = confusionIntervals(p.applied);
    const iv = (x: typeof ci.missRate) => (x ? { low: x.lower, high: x.upper, method: x.method, confidence: x.confidence } : null);
    return {
      name: r.name,
      rule: r.rule,
      fitSplit: r.oracle ? 'test' : 'validation',
      reportSplit: 'test',
      threshold: p.threshold === Infinity ? '+Infinity' : p.threshold,
      ...figures(p.applied),
      missRateInterval: iv(ci.missRate),
      overkillRateInterval: iv(ci.overkillRate),
      accuracyInterval: iv(ci.accuracy),
      oracle: r.oracle,
      fit: figures(p.fit),
    };
  });
  const report: TEvaluationReport = {
    format: 'defectlab-evaluation/1',
    imageAuroc: 0.9,
    pixelAuroc: null,
    pixelAurocMethod: null,
    pro: null,
    proFprLimit: 0.3,
    validationImageAuroc: null,
    operatingPoints,
    omittedOperatingPoints: [],
    latencyMs: { p50: 4 + salt, p95: 6 + salt, mean: 4.5 + salt, n: 20, warmup: 2, batchSize: 1, includesBackbone: true, scope: 'scripted e2e worker' },
    sizeBytes: 2_000_000 + salt * 500_000,
    exportIncludesBackbone: false,
    headSizeBytes: 1_000_000,
    backboneSizeBytes: 5_000_000,
    backend: 'scripted',
    inferenceRuntime: 'none (scripted e2e worker)',
    model: { kind: claim.job.kind, config: {}, seed: 0, backbone: { name: 'scripted', sha256: 'a'.repeat(64) }, input: { width: 64, height: 64, mode: 'stretch' }, deviations: [] },
    dataset: {
      path: '/e2e',
      splitRule: { kind: 'hash-v1', seed: 0, validationFractionGood: 0.2, validationFractionDefective: 0 },
      splitRuleText: 'scripted',
      counts: { train: 8, validationGood: 8, validationDefective: 0, testGood: testSet.gtLabels.filter((x) => x === 0).length, testDefective: testSet.gtLabels.filter((x) => x === 1).length },
    },
    machine: { cpu: 'e2e', cores: 1, memoryBytes: 1024, platform: 'linux', arch: 'x64', node: process.version },
    runtimeVersions: { node: process.version },
    predictions: scored.map((s) => ({ relPath: s.l.relPath, split: s.split, label: s.l.value, defectType: s.l.defectType ?? 'good', score: s.score })),
    wallSeconds: 1,
    createdAt: new Date().toISOString(),
  };
  await api(submitEvaluation, {
    params: { runId },
    body: { workerId, report, predictions: scored.map((s) => ({ imageId: s.l.imageId, split: s.split, score: s.score, anomalyMapArtifactId: maps.get(s.l.imageId) ?? null })) },
  });
  await api(completeRun, {
    params: { runId },
    body: { workerId, resolvedConfig: { preset: 'small' }, trainingBackend: 'scripted', backbone: { name: 'scripted', sha256: 'a'.repeat(64), sizeBytes: 5_000_000 } },
  });
  return true;
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
