/**
 * The pieces every step-timing bench script shares (the train-step scripts of libs/<model>/bench, the
 * TensorFlow.js reference step of tools/bench/tfjs-reference, the CS-Flow step profile, the conv-gradient
 * comparison): `--name value` flags, the median, one protocol for timing a step (warm-up runs first, then
 * wall and CPU seconds of each timed run), the per-step figures of a train-step entry, and how a script
 * prints its result and fails. Pure Node: no engine, so the TensorFlow.js reference uses it too.
 */

/**
 * The value after `--name` in `argv`, or `fallback` when the flag is absent or has no value after it
 * (an empty value counts as none, as `--only ""` in the conv-gradient script means "every shape").
 */
export function flag(name: string, fallback: string, argv: readonly string[] = process.argv): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}

/** {@link flag} as a number; a value that is not a finite number is an error (`--steps three` would time NaN steps). */
export function numberFlag(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const raw = flag(name, String(fallback), argv);
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new Error(`--${name} ${raw}: not a number`);
  return value;
}

/** The median of `xs` (the mean of the two middle values for an even count); an empty list has none. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of no values');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Seconds per timed step: wall clock, and CPU (user + system of every thread of this process). */
export interface StepTimes {
  readonly wall: number[];
  readonly cpu: number[];
}

/** Where {@link timeSteps} reads the time: both in seconds from any fixed origin. */
export interface StepClock {
  wall(): number;
  cpu(): number;
}

/** This process's clocks: `performance.now()` and `process.cpuUsage()` (user + system, all threads). */
export const PROCESS_CLOCK: StepClock = {
  wall: () => performance.now() / 1000,
  cpu: () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1e6;
  },
};

export interface TimeStepsOptions {
  /**
   * Untimed runs first (default 1: the first run of a session allocates and page-faults its buffers; the
   * CS-Flow profile found the second still does at the seed preset, hence its `--warmup 2`).
   */
  readonly warmup?: number;
  readonly clock?: StepClock;
}

/**
 * Runs `step` `warmup` times untimed, then `steps` times timed; `step` gets the run's index counted from 0
 * over all runs (warm-ups included), e.g. to feed an optimizer's step number.
 */
export async function timeSteps(steps: number, step: (run: number) => Promise<void> | void, options: TimeStepsOptions = {}): Promise<StepTimes> {
  const warmup = options.warmup ?? 1;
  const clock = options.clock ?? PROCESS_CLOCK;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`timeSteps: ${steps} steps`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`timeSteps: ${warmup} warm-up runs`);
  for (let i = 0; i < warmup; i++) await step(i);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = clock.cpu();
    const t0 = clock.wall();
    await step(warmup + i);
    wall.push(clock.wall() - t0);
    cpu.push(clock.cpu() - c0);
  }
  return { wall, cpu };
}

/** The per-step figures of a train-step entry (the fields tools/bench/train-steps.ts reads from every script). */
export interface StepFigures {
  /** Median wall seconds of the timed steps. */
  readonly secondsPerStep: number;
  readonly cpuSecondsPerStep: number;
  readonly timedSteps: number;
  /** Null where a step's batch is not images (CFlow-AD: patch positions). */
  readonly imagesPerSecond: number | null;
  readonly gflopPerStep: number;
  readonly gflops: number;
}

/** {@link StepFigures} of `times`; `images` per step (null: not images), `gflopPerStep` counted from the graph. */
export function stepFigures(times: StepTimes, images: number | null, gflopPerStep: number): StepFigures {
  const secondsPerStep = median(times.wall);
  return {
    secondsPerStep,
    cpuSecondsPerStep: median(times.cpu),
    timedSteps: times.wall.length,
    imagesPerSecond: images === null ? null : images / secondsPerStep,
    gflopPerStep,
    gflops: gflopPerStep / secondsPerStep,
  };
}

/** Peak resident memory of this process so far, GiB (`maxRSS` is in KiB). */
export function peakRssGib(): number {
  return process.resourceUsage().maxRSS / 2 ** 20;
}

/** Prints a script's result: one JSON object on stdout (the parent reads the last one, tools/bench/blocks.ts). */
export function printJson(result: object): void {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** Runs a script's `main`; an error goes to stderr with its stack and the process exits with 1. */
export function runBenchMain(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
