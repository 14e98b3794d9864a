/**
 * The machine's practical ceiling for the train-step section: a plain onnxruntime 3x3 Conv forward,
 * 256 -> 256 channels, 64 x 64, batch 8, pads 1 (38.7 GFLOP per run), median of 5 runs after a warm-up.
 *   node -r ./tools/scripts/register.cjs tools/bench/reference-conv.ts --threads 1
 * Prints one JSON object { threads, gflopPerRun, msMedian, gflops }.
 */
import { createSession, OnnxGraphBuilder, SeededRandom } from '@defectlab/ml-core';

const N = 8;
const C = 256;
const S = 64;

async function main(): Promise<void> {
  const i = process.argv.indexOf('--threads');
  const threads = i >= 0 ? Number(process.argv[i + 1]) : 1;
  const rng = new SeededRandom(0);
  const g = new OnnxGraphBuilder({ name: 'reference-conv' });
  const x = g.input('x', [N, C, S, S]);
  g.output(g.conv(x, g.initializer('w', rng.normalArray(C * C * 9, 0.02), [C, C, 3, 3]), undefined, { pads: [1, 1, 1, 1] }), 'y');
  const session = await createSession(g.toBytes(), { threads });
  const feeds = { x: { data: rng.normalArray(N * C * S * S), dims: [N, C, S, S] } };
  try {
    await session.run(feeds);
    const times: number[] = [];
    const cpu: number[] = [];
    for (let k = 0; k < 5; k++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await session.run(feeds);
      times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e6);
    }
    times.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    const ms = times[2];
    const gflop = (2 * N * C * S * S * C * 9) / 1e9;
    // per CPU-second: what the threads achieved while they ran (less sensitive to other jobs than wall time)
    process.stdout.write(`${JSON.stringify({ threads, gflopPerRun: gflop, msMedian: ms, gflops: gflop / (ms / 1000), gflopsPerCpuSecond: gflop / cpu[2] }, null, 2)}\n`);
  } finally {
    await session.release();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${String(e)}\n`);
  process.exit(1);
});
