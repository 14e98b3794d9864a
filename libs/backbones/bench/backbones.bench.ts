/**
 * Backbone benchmark: decode + preprocess throughput and feature-extraction latency per shipped backbone.
 * Run: node -r @swc-node/register libs/backbones/bench/backbones.bench.ts [--quick]
 * The platform bench (tools/bench) can import `runBackbonesBench` and record its result.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDemoDataset, readImage, resizeImage, toNormalizedBatch, writeDemoFolder, IMAGENET_NORMALIZATION } from '@defectlab/datasets';
import { loadBackbone, SHIPPED_BACKBONES, type ShippedBackboneName } from '../src';

export interface BackbonesBenchOptions {
  /** Images for the decode + preprocess measurement (default 100). */
  readonly decodeImages?: number;
  /** Square input sizes for extraction (default [256, 768]). */
  readonly sizes?: readonly number[];
  /** Intra-op thread counts (default [1, 2]). */
  readonly threads?: readonly number[];
  /** Timed runs per configuration after one warm-up (default 5; 768 px runs use max(2, runs / 2)). */
  readonly runs?: number;
  readonly log?: (line: string) => void;
}

export interface ExtractionFigure {
  readonly backbone: string;
  readonly size: number;
  readonly threads: number;
  readonly layers: readonly string[];
  /** Milliseconds per image at batch 1: median and min over the timed runs. */
  readonly msMedian: number;
  readonly msMin: number;
  readonly runs: number;
}

export interface BackbonesBenchResult {
  readonly machine: { cpus: number; model: string; node: string; platform: string };
  readonly decode: { source: string; images: number; imagesPerSecond: number; targetSize: number };
  readonly extraction: ExtractionFigure[];
  readonly skipped: string[];
}

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared');

/** Runs the benchmark and returns its figures (also logged line by line). */
export async function runBackbonesBench(options: BackbonesBenchOptions = {}): Promise<BackbonesBenchResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const sizes = options.sizes ?? [256, 768];
  const threadCounts = options.threads ?? [1, 2];
  const runs = options.runs ?? 5;
  const skipped: string[] = [];

  // 1. decode + preprocess (read file, decode, resize to 256, normalise into a batch of one)
  const { files, source, cleanup } = await benchImages(options.decodeImages ?? 100);
  const t0 = performance.now();
  for (const f of files) {
    const img = await resizeImage(await readImage(f), { width: 256, height: 256, mode: 'stretch' });
    toNormalizedBatch([img], IMAGENET_NORMALIZATION);
  }
  const decodeSeconds = (performance.now() - t0) / 1000;
  await cleanup();
  const decode = { source, images: files.length, imagesPerSecond: files.length / decodeSeconds, targetSize: 256 };
  log(`decode+preprocess (${source} -> 256x256 normalised): ${decode.imagesPerSecond.toFixed(1)} images/s over ${files.length} images`);

  // 2. feature extraction, batch 1
  const extraction: ExtractionFigure[] = [];
  for (const name of Object.keys(SHIPPED_BACKBONES) as ShippedBackboneName[]) {
    for (const threads of threadCounts) {
      let fx;
      try {
        fx = await loadBackbone(SHIPPED_BACKBONES[name], { threads });
      } catch (e) {
        skipped.push(`${name}: ${(e as Error).message}`);
        log(`skip ${name}: ${(e as Error).message}`);
        break;
      }
      try {
        const layers = fx.layers.map((l) => l.name);
        for (const size of sizes) {
          const n = size > 512 ? Math.max(2, Math.floor(runs / 2)) : runs;
          const x = { data: new Float32Array(3 * size * size).map((_, i) => Math.sin(i * 0.01)), dims: [1, 3, size, size] };
          await fx.extract(x, layers); // warm-up
          const times: number[] = [];
          for (let r = 0; r < n; r++) {
            const t = performance.now();
            await fx.extract(x, layers);
            times.push(performance.now() - t);
          }
          times.sort((a, b) => a - b);
          const fig = { backbone: name, size, threads, layers, msMedian: times[Math.floor(times.length / 2)], msMin: times[0], runs: n };
          extraction.push(fig);
          log(`${name} ${size}x${size} threads=${threads}: median ${fig.msMedian.toFixed(1)} ms/image (min ${fig.msMin.toFixed(1)}, ${n} runs, all ${layers.length} taps)`);
        }
      } finally {
        await fx.dispose();
      }
    }
  }
  const cpus = os.cpus();
  return {
    machine: { cpus: cpus.length, model: cpus[0]?.model ?? 'unknown', node: process.version, platform: `${os.platform()} ${os.arch()}` },
    decode,
    extraction,
    skipped,
  };
}

/** magnetic_tile JPEGs when ../shared is present, else generated PNGs in a temp folder. */
async function benchImages(count: number): Promise<{ files: string[]; source: string; cleanup: () => Promise<void> }> {
  const dir = path.join(SHARED, 'datasets', 'magnetic_tile', 'train', 'good');
  try {
    const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.jpg')).sort().slice(0, count);
    if (names.length > 0) return { files: names.map((n) => path.join(dir, n)), source: 'magnetic_tile JPEG (grayscale, ~240x290)', cleanup: async () => undefined };
  } catch {
    // fall through to generated images
  }
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-bench-'));
  const ds = await generateDemoDataset({ productLine: 'smt', seed: 0, counts: { trainGood: count, testGood: 0, testDefective: 0 }, size: 512 });
  await writeDemoFolder(ds.samples, tmp);
  const files = ds.samples.map((s) => path.join(tmp, s.relPath));
  return { files, source: 'generated PNG 512x512', cleanup: () => fs.rm(tmp, { recursive: true, force: true }) };
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  runBackbonesBench(quick ? { decodeImages: 20, sizes: [256], threads: [1], runs: 2 } : {})
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
