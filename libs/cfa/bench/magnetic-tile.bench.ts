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
import { loadMagneticTile, MAGNETIC_TILE_DIR, measureModel, SHARED_DIR } from '@defectlab/datasets';
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

    const onnxFile = path.join(outDir, 'cfa-magnetic-tile.onnx');
    const measured = await measureModel(model, data, { normalization: backbone.normalization, onnxFile, log });

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
      scoreMsPerImageBatched: (measured.scoreSeconds * 1000) / measured.nScored,
      latencyBatch1Ms: measured.latencyBatch1Ms,
      exportedOnnx: measured.exportedOnnx,
      sizeBytes: model.sizeBytes(),
      ...measured.figures,
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
