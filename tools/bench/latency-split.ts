/**
 * Bench stage (a child process of bench.ts): reopens a fitted run folder (written by `npm run cli -- fit`)
 * and times `model.score([image])` at batch 1 with the backbone's `extract()` timed inside the same calls,
 * so each call splits into backbone and head exactly. Prints one JSON object on stdout.
 *
 *   node -r ./tools/scripts/register.cjs tools/bench/latency-split.ts --model-dir <dir> --data <MVTec folder> [--runs 20] [--warmup 3]
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CfaModel } from '@defectlab/cfa';
import { CflowModel } from '@defectlab/cflow';
import { ZRunConfig, type TModelKind } from '@defectlab/contracts';
import { CsFlowModel } from '@defectlab/csflow';
import { loadBackbone, parseDescriptor } from '@defectlab/backbones';
import { readImage, readMvtecFolder, resizeImage } from '@defectlab/datasets';
import { FastflowModel } from '@defectlab/fastflow';
import { latencySummary } from '@defectlab/metrics';
import type { AnomalyModel, DecodedImage, FeatureExtractor } from '@defectlab/ml-core';
import { PatchcoreModel } from '@defectlab/patchcore';

/** The saved-model loaders of each library (what the trainer's registry calls for `evaluate`). */
const LOADERS: Record<TModelKind, (dir: string, fx: FeatureExtractor) => Promise<AnomalyModel>> = {
  csflow: (dir, fx) => CsFlowModel.load(dir, fx),
  patchcore: (dir, fx) => PatchcoreModel.load(dir, fx),
  cfa: (dir, fx) => CfaModel.load(dir, fx),
  fastflow: (dir, fx) => FastflowModel.load(dir, fx),
  cflow: (dir, fx) => CflowModel.load(dir, fx),
};

export interface LatencySplit {
  readonly withBackbone: Summary;
  readonly withoutBackbone: Summary;
  readonly backboneOnly: Summary;
  readonly runtime: string;
}
interface Summary {
  p50: number;
  p95: number;
  mean: number;
  n: number;
}

/** `fx` with every extract() call's wall time added to `sink.ms`. */
function timedExtractor(fx: FeatureExtractor, sink: { ms: number }): FeatureExtractor {
  return {
    name: fx.name,
    sha256: fx.sha256,
    layers: fx.layers,
    normalization: fx.normalization,
    runtime: fx.runtime,
    modelPath: fx.modelPath,
    async extract(batch, layers) {
      const t0 = performance.now();
      try {
        return await fx.extract(batch, layers);
      } finally {
        sink.ms += performance.now() - t0;
      }
    },
    dispose: () => fx.dispose(),
  };
}

function summary(xs: number[]): Summary {
  const s = latencySummary(xs);
  if (!s) throw new Error('no timings');
  return { p50: s.p50, p95: s.p95, mean: s.mean, n: s.n };
}

/** Times `runs` batch-1 calls (after `warmup`) of the model saved in `modelDir` on test images of `data`. */
export async function measureLatencySplit(modelDir: string, data: string, runs: number, warmup: number): Promise<LatencySplit> {
  const manifest = JSON.parse(await fs.readFile(path.join(modelDir, 'run.json'), 'utf8')) as { runConfig: unknown; backboneDescriptor: unknown };
  const rc = ZRunConfig.parse(manifest.runConfig);
  const descriptor = parseDescriptor(manifest.backboneDescriptor, `${modelDir}/run.json backboneDescriptor`);
  const records = (await readMvtecFolder(data)).filter((r) => r.split === 'test');
  // a few good and a few defective images (defective first: the order of readMvtecFolder is by class folder)
  const picked = [...records.filter((r) => r.label === 'defective').slice(0, 3), ...records.filter((r) => r.label === 'good').slice(0, 2)];
  if (picked.length === 0) throw new Error(`${data}: no test images`);
  const images: DecodedImage[] = [];
  for (const r of picked) images.push(await resizeImage(await readImage(r.path), rc.input));

  const sink = { ms: 0 };
  const fx = await loadBackbone(descriptor);
  const model = await LOADERS[rc.model](path.join(modelDir, 'model'), timedExtractor(fx, sink));
  try {
    for (let i = 0; i < warmup; i++) await model.score([images[i % images.length]]);
    const total: number[] = [];
    const backbone: number[] = [];
    for (let i = 0; i < runs; i++) {
      sink.ms = 0;
      const t0 = performance.now();
      await model.score([images[i % images.length]]);
      total.push(performance.now() - t0);
      backbone.push(sink.ms);
    }
    return {
      withBackbone: summary(total),
      withoutBackbone: summary(total.map((t, i) => Math.max(0, t - backbone[i]))),
      backboneOnly: summary(backbone),
      runtime: `${fx.runtime}; ${rc.model} score() at ${rc.input.width}x${rc.input.height}`,
    };
  } finally {
    await model.dispose();
    await fx.dispose();
  }
}

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const modelDir = arg(argv, 'model-dir');
  const data = arg(argv, 'data');
  if (!modelDir || !data) {
    process.stderr.write('error: --model-dir and --data are required\n');
    process.exit(2);
  }
  measureLatencySplit(modelDir, data, Number(arg(argv, 'runs') ?? 20), Number(arg(argv, 'warmup') ?? 3)).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
