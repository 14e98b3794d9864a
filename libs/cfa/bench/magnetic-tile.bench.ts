/**
 * CFA on ../shared/datasets/magnetic_tile with the shared ResNet-50 v2.
 *
 *   node -r @swc-node/register libs/cfa/bench/magnetic-tile.bench.ts [--preset small] [--epochs 3] [--per-epoch 240] [--size 224] [--limit N]
 *
 * Trains on TensorFlow.js (the backend initTrainingBackend picks), selects the epoch by validation loss
 * (validation = normal images of the validation split; the test split is never used for selection),
 * then scores validation and test with onnxruntime. Writes .data/bench/cfa-magnetic-tile-*.json:
 * image AUROC, pixel AUROC, overkill at miss <= 0.5 % (threshold fitted on validation, reported on
 * test, 95 % Clopper-Pearson intervals), training time, ms/image, size.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBackbone, SHIPPED_BACKBONES } from '@defectlab/backbones';
import { benchFigures, loadMagneticTile, MAGNETIC_TILE_DIR, SHARED_DIR, toNormalizedBatch } from '@defectlab/datasets';
import { latencySummary } from '@defectlab/metrics';
import { createSession } from '@defectlab/ml-core';
import { createCfa } from '../src/model';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const preset = arg('preset', 'small') as 'paper' | 'small';
  const epochs = Number(arg('epochs', '3'));
  const perEpoch = Number(arg('per-epoch', '240'));
  const size = Number(arg('size', '224'));
  const limit = Number(arg('limit', 'Infinity'));
  const outDir = path.resolve(__dirname, '..', '..', '..', '.data', 'bench');
  await fs.mkdir(outDir, { recursive: true });
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

  log(`loading ${MAGNETIC_TILE_DIR} at ${size}x${size}`);
  const data = await loadMagneticTile(size, limit);
  log(`train ${data.train.length}, validation ${data.validation.length}, test ${data.test.length}`);
  const backbone = await loadBackbone(SHIPPED_BACKBONES['resnet50v2-stage1to3']);
  const backboneOnnx = path.join(SHARED_DIR, 'backbones', 'resnet50v2-stage1to3', 'resnet50v2_stage1to3.onnx');
  const model = await createCfa(backbone, { preset, epochs, imagesPerEpoch: perEpoch, seed: 0 }, { backboneOnnx });
  try {
    let lastLog = 0;
    const t0 = Date.now();
    const report = await model.fit(
      data.train.map((s) => s.image),
      {
        validation: data.validation.filter((s) => s.label === 0).map((s) => s.image),
        onProgress: (p) => {
          if (Date.now() - lastLog > 20000 || (p.phase === 'train' && p.step === undefined)) {
            lastLog = Date.now();
            log(`fit ${p.phase} epoch ${p.epoch ?? ''} step ${p.step ?? ''}/${p.steps ?? ''} loss ${p.loss?.toPrecision(5) ?? ''} eta ${p.etaSeconds?.toFixed(0) ?? '?'} s ${p.message ?? ''}`);
          }
        },
      },
    );
    const trainSeconds = (Date.now() - t0) / 1000;
    log(`trained in ${trainSeconds.toFixed(1)} s`);

    const t1 = Date.now();
    const valScores = await model.score(data.validation.map((s) => s.image));
    const testScores = await model.score(data.test.map((s) => s.image));
    const scoreSeconds = (Date.now() - t1) / 1000;
    const nScored = data.validation.length + data.test.length;
    const figures = benchFigures(data.validation, valScores, data.test, testScores);
    log(JSON.stringify(figures));

    const timings: number[] = [];
    await model.score([data.test[0].image]);
    for (const s of data.test.slice(0, 20)) {
      const t = performance.now();
      await model.score([s.image]);
      timings.push(performance.now() - t);
    }
    const onnxFile = path.join(outDir, 'cfa-magnetic-tile.onnx');
    const onnxBytes = await model.exportOnnx(onnxFile);
    const exported = await createSession(onnxFile);
    const onnxTimings: number[] = [];
    try {
      await exported.run({ input: toNormalizedBatch([data.test[0].image], backbone.normalization) });
      for (const s of data.test.slice(0, 20)) {
        const batch = toNormalizedBatch([s.image], backbone.normalization);
        const t = performance.now();
        await exported.run({ input: batch });
        onnxTimings.push(performance.now() - t);
      }
    } finally {
      await exported.release();
    }

    const result = {
      model: 'cfa',
      dataset: 'magnetic_tile',
      split: data.rule,
      counts: { train: data.train.length, validation: data.validation.length, test: data.test.length },
      imageSize: `${size}x${size} (stretched, no crop)`,
      backbone: backbone.name,
      machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, training: report.backend, note: 'shared with other engineers during the run' },
      resolvedConfig: report.resolvedConfig,
      trainSeconds,
      scoreMsPerImageBatched: (scoreSeconds * 1000) / nScored,
      latencyBatch1Ms: latencySummary(timings),
      exportedOnnx: { bytes: onnxBytes, latencyBatch1Ms: latencySummary(onnxTimings) },
      sizeBytes: model.sizeBytes(),
      ...figures,
    };
    const file = path.join(outDir, `cfa-magnetic-tile-${preset}-e${epochs}-p${perEpoch}.json`);
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
