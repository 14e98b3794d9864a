/**
 * PatchCore on ../shared/datasets/magnetic_tile with the shared ResNet-50 v2.
 *
 *   node -r @swc-node/register libs/patchcore/bench/magnetic-tile.bench.ts [--ratio 0.01] [--preset paper] [--size 224] [--limit N] [--threads 1]
 *
 * Prints and writes .data/bench/patchcore-magnetic-tile.json: image AUROC, pixel AUROC, overkill at
 * miss <= 0.5 % (threshold fitted on validation, reported on test, 95 % Clopper-Pearson intervals),
 * training time, ms/image (batch 1, backbone + head + kNN + map), model size and kNN queries/s of both engines.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBackbone, SHIPPED_BACKBONES } from '@defectlab/backbones';
import { loadMagneticTile, MAGNETIC_TILE_DIR, measureModel, SHARED_DIR } from '@defectlab/datasets';
import { createPatchcore } from '../src/model';
import { createJsKnn, createOrtKnn } from '../src/nearest-neighbours';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const ratio = Number(arg('ratio', '0.01'));
  const preset = arg('preset', 'paper') as 'paper' | 'small';
  const size = Number(arg('size', '224'));
  const limit = Number(arg('limit', 'Infinity'));
  const threads = Number(arg('threads', '1'));
  const outDir = path.resolve(__dirname, '..', '..', '..', '.data', 'bench');
  await fs.mkdir(outDir, { recursive: true });
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

  log(`loading ${MAGNETIC_TILE_DIR} at ${size}x${size}`);
  const data = await loadMagneticTile(size, limit);
  log(`train ${data.train.length}, validation ${data.validation.length}, test ${data.test.length}`);

  const backbone = await loadBackbone(SHIPPED_BACKBONES['resnet50v2-stage1to3'], { threads });
  const backboneOnnx = path.join(SHARED_DIR, 'backbones', 'resnet50v2-stage1to3', 'resnet50v2_stage1to3.onnx');
  const model = await createPatchcore(backbone, { preset, coresetRatio: ratio, threads, seed: 0 }, { backboneOnnx });
  try {
    let lastLog = 0;
    const t0 = Date.now();
    const report = await model.fit(data.train.map((s) => s.image), {
      onProgress: (p) => {
        if (Date.now() - lastLog > 15000) {
          lastLog = Date.now();
          log(`fit ${p.phase} ${p.step ?? ''}/${p.steps ?? ''} eta ${p.etaSeconds?.toFixed(0) ?? '?'} s ${p.message ?? ''}`);
        }
      },
    });
    const trainSeconds = (Date.now() - t0) / 1000;
    log(`fitted in ${trainSeconds.toFixed(1)} s; bank ${model.memoryBank?.size} x ${model.memoryBank?.dim}`);

    const onnxFile = path.join(outDir, 'patchcore-magnetic-tile.onnx');
    const measured = await measureModel(model, data, { normalization: backbone.normalization, onnxFile, threads, log });

    // kNN engines on one image's patches against the fitted bank
    const bank = model.memoryBank;
    if (!bank) throw new Error('no bank');
    const queries = { data: bank.data.slice(0, Math.min(bank.size, 784) * bank.dim), dim: bank.dim };
    const nQueries = queries.data.length / bank.dim;
    const knnFigures: Record<string, number> = {};
    for (const engine of ['onnxruntime', 'js'] as const) {
      const index = engine === 'onnxruntime' ? await createOrtKnn(bank, 9, { threads }) : createJsKnn(bank);
      try {
        await index.search({ data: queries.data.subarray(0, 16 * bank.dim), dim: bank.dim }, 9);
        const t = performance.now();
        await index.search(queries, 9);
        knnFigures[engine] = nQueries / ((performance.now() - t) / 1000);
      } finally {
        await index.dispose();
      }
    }

    const result = {
      model: 'patchcore',
      dataset: 'magnetic_tile',
      split: data.rule,
      counts: { train: data.train.length, validation: data.validation.length, test: data.test.length },
      imageSize: `${size}x${size} (stretched, no crop)`,
      backbone: backbone.name,
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, runtime: backbone.runtime, note: 'shared with other engineers during the run' },
      resolvedConfig: report.resolvedConfig,
      trainSeconds,
      scoreMsPerImageBatched: (measured.scoreSeconds * 1000) / measured.nScored,
      latencyBatch1Ms: measured.latencyBatch1Ms,
      exportedOnnx: measured.exportedOnnx,
      sizeBytes: model.sizeBytes(),
      knnQueriesPerSecond: knnFigures,
      ...measured.figures,
    };
    const file = path.join(outDir, `patchcore-magnetic-tile-${preset}-${ratio}.json`);
    await fs.writeFile(file, JSON.stringify(result, null, 2));
    console.log(JSON.stringify(result, null, 2));
    log(`wrote ${file}`);
    await fs.rm(onnxFile, { force: true });
  } finally {
    await model.dispose();
    await backbone.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
