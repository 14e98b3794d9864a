import fc from 'fast-check';
import { flag, median, numberFlag, stepFigures, timeSteps, type StepClock } from './step-timing';

/** A clock that only moves when told: run `k` (0-based, warm-ups included) takes k + 1 s wall and 2 (k + 1) CPU-s. */
function scriptedClock(): { clock: StepClock; advance(run: number): void } {
  let wall = 100;
  let cpu = 7;
  return {
    clock: { wall: () => wall, cpu: () => cpu },
    advance: (run) => {
      wall += run + 1;
      cpu += 2 * (run + 1);
    },
  };
}

describe('flag / numberFlag', () => {
  const argv = ['node', 'script.ts', '--preset', 'seed', '--steps', '3', '--only', '', '--threads'];

  it('reads the value after --name, else the fallback', () => {
    expect(flag('preset', 'small', argv)).toBe('seed');
    expect(flag('image-size', '768', argv)).toBe('768');
  });

  it('falls back when the flag has no value after it or an empty one', () => {
    expect(flag('threads', '1', argv)).toBe('1');
    expect(flag('only', 'all', argv)).toBe('all');
  });

  it('parses numbers and rejects what is not one', () => {
    expect(numberFlag('steps', 1, argv)).toBe(3);
    expect(numberFlag('batch', 16, argv)).toBe(16);
    expect(() => numberFlag('preset', 1, argv)).toThrow('--preset seed: not a number');
    expect(() => numberFlag('steps', 1, ['--steps', ' '])).toThrow('not a number');
  });
});

describe('median', () => {
  it('is the middle value of an odd count and the mean of the two middle values of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
    expect(median([2, 2, 9, 9])).toBe(5.5);
  });

  it('leaves its input unsorted', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });

  it('has no value for no values', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  it('lies between the smallest and largest value and has as many values at or below it as at or above it', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e300, max: 1e300 }), { minLength: 1 }), (xs) => {
        const m = median(xs);
        expect(m).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(m).toBeLessThanOrEqual(Math.max(...xs));
        expect(xs.filter((x) => x <= m).length).toBeGreaterThanOrEqual(xs.length / 2);
        expect(xs.filter((x) => x >= m).length).toBeGreaterThanOrEqual(xs.length / 2);
      }),
    );
  });
});

describe('timeSteps', () => {
  it('runs one untimed warm-up, then times each step on the wall and CPU clocks', async () => {
    const { clock, advance } = scriptedClock();
    const runs: number[] = [];
    const t = await timeSteps(
      3,
      (run) => {
        runs.push(run);
        advance(run);
      },
      { clock },
    );
    expect(runs).toEqual([0, 1, 2, 3]);
    // run 0 (1 s, 2 CPU-s) is the warm-up
    expect(t.wall).toEqual([2, 3, 4]);
    expect(t.cpu).toEqual([4, 6, 8]);
  });

  it('takes `warmup` untimed runs and awaits asynchronous steps', async () => {
    const { clock, advance } = scriptedClock();
    let calls = 0;
    const t = await timeSteps(
      2,
      async (run) => {
        await new Promise((resolve) => setImmediate(resolve));
        calls++;
        advance(run);
      },
      { warmup: 2, clock },
    );
    expect(calls).toBe(4);
    expect(t.wall).toEqual([3, 4]);
    expect(t.cpu).toEqual([6, 8]);
  });

  it('with no warm-up times every run, and with no steps times none', async () => {
    const { clock, advance } = scriptedClock();
    expect((await timeSteps(2, advance, { warmup: 0, clock })).wall).toEqual([1, 2]);
    let calls = 0;
    expect(await timeSteps(0, () => void calls++)).toEqual({ wall: [], cpu: [] });
    expect(calls).toBe(1);
  });

  it('rejects counts that are not whole and non-negative', async () => {
    await expect(timeSteps(-1, () => undefined)).rejects.toThrow(RangeError);
    await expect(timeSteps(1.5, () => undefined)).rejects.toThrow(RangeError);
    await expect(timeSteps(1, () => undefined, { warmup: -1 })).rejects.toThrow(RangeError);
  });

  it("reads this process's CPU time by default", async () => {
    // each timed step spins until this process has used 20 ms more CPU
    const t = await timeSteps(2, () => {
      const c0 = process.cpuUsage();
      for (;;) {
        const c = process.cpuUsage(c0);
        if (c.user + c.system >= 20_000) break;
      }
    });
    for (const cpu of t.cpu) expect(cpu).toBeGreaterThanOrEqual(0.02);
    for (const wall of t.wall) expect(wall).toBeGreaterThan(0);
  });
});

describe('stepFigures', () => {
  it('reports medians, throughput per image and GFLOP/s', () => {
    const f = stepFigures({ wall: [4, 1, 2], cpu: [3, 8, 5] }, 16, 10);
    expect(f).toEqual({ secondsPerStep: 2, cpuSecondsPerStep: 5, timedSteps: 3, imagesPerSecond: 8, gflopPerStep: 10, gflops: 5 });
  });

  it('reports no images per second where a batch is not images', () => {
    expect(stepFigures({ wall: [0.5], cpu: [0.25] }, null, 1).imagesPerSecond).toBeNull();
  });
});
