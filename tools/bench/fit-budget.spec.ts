import type { TTrainStepEntry } from '@defectlab/contracts';
import { fitBudgets, seedFitSchedules } from './fit-budget';

/** The shared ResNet-50 v2 taps (libs/backbones descriptors/resnet50v2-stage1to3.json). */
const TAPS = [
  { name: 'stage1', stride: 4 },
  { name: 'stage2_act', stride: 8 },
  { name: 'stage3_act', stride: 16 },
];

function entry(model: string, preset: string, imageSize: number, batch: number, threads: number, cpuSecondsPerStep: number | null, status: 'ok' | 'failed' = 'ok'): TTrainStepEntry {
  return {
    model,
    preset,
    engine: 'onnxruntime-node 1.30.0 (cpu)',
    threads,
    batch,
    imageSize,
    status,
    error: status === 'ok' ? null : 'exit code 1',
    secondsPerStep: cpuSecondsPerStep,
    timedSteps: 3,
    cpuSecondsPerStep,
    imagesPerSecond: null,
    gflopPerStep: null,
    gflops: null,
    gflopsPerCpuSecond: null,
    peakRssBytes: null,
    stateBytes: null,
    stateCopySeconds: null,
  };
}

describe('seedFitSchedules', () => {
  it('counts each library\'s optimizer steps of a seed-like fit on 698 images', () => {
    const byModel = Object.fromEntries(seedFitSchedules(698, TAPS).map((s) => [s.model, s]));
    // CS-Flow keeps the last partial batch: ceil(698 / 16) = 44 steps x 240 epochs
    expect(byModel.csflow.terms).toEqual([{ entryPreset: 'seed', imageSize: 768, steps: 10_560, presetBatch: 16 }]);
    // FastFlow drops it: floor(698 / 32) = 21 steps x 100 epochs
    expect(byModel.fastflow.terms).toEqual([{ entryPreset: 'seed', imageSize: 256, steps: 2_100, presetBatch: 32 }]);
    // CFA: ceil(698 / 4) = 175 steps x 30 epochs
    expect(byModel.cfa.terms).toEqual([{ entryPreset: 'paper', imageSize: 224, steps: 5_250, presetBatch: 4 }]);
    // CFlow-AD: 21 image batches of 32 and one of 26; at 256 px stage1 has 64 x 64 positions, so
    // 32 * 4096 / 256 = 512 and 26 * 4096 / 256 = 416 fiber steps; likewise 128 + 104 and 32 + 26; x 10 x 4 epochs
    expect(byModel.cflow.terms).toEqual([
      { entryPreset: 'seed:stage1', imageSize: 256, steps: 40 * (21 * 512 + 416), presetBatch: 256 },
      { entryPreset: 'seed:stage2_act', imageSize: 256, steps: 40 * (21 * 128 + 104), presetBatch: 256 },
      { entryPreset: 'seed:stage3_act', imageSize: 256, steps: 40 * (21 * 32 + 26), presetBatch: 256 },
    ]);
    expect(byModel.cflow.schedule).toContain('stage1 11168 + stage2_act 2792 + stage3_act 698 steps per epoch');
  });

  it('names a layer the backbone does not have', () => {
    expect(() => seedFitSchedules(698, TAPS.slice(0, 2))).toThrow(/no layer "stage3_act"/);
  });
});

describe('fitBudgets', () => {
  const schedules = seedFitSchedules(698, TAPS);

  it('multiplies steps by the CPU seconds of the matching entry, scaled to the preset batch', () => {
    const budgets = fitBudgets(schedules, [
      entry('csflow', 'seed', 256, 16, 1, 1), // the 256 px engine-comparison entry: not the seed preset's size
      entry('csflow', 'seed', 768, 2, 1, 10),
      entry('csflow', 'seed', 768, 2, 2, 12),
    ]);
    const cs = budgets.find((b) => b.model === 'csflow');
    expect(cs?.steps).toBe(10_560);
    expect(cs?.oneCoreHours).toBeCloseTo((10_560 * 10 * 8) / 3600, 6);
    expect(cs?.twoCoreHours).toBeCloseTo((10_560 * 12 * 8) / 2 / 3600, 6);
    expect(cs?.scaled).toBe('timed at batch 2, scaled to 16');
  });

  it('sums the stage decoders of CFlow-AD and gives null where an entry is missing or failed', () => {
    const budgets = fitBudgets(schedules, [
      entry('cflow', 'seed:stage1', 256, 256, 1, 0.1),
      entry('cflow', 'seed:stage2_act', 256, 256, 1, 0.2),
      entry('cflow', 'seed:stage3_act', 256, 256, 1, 0.5),
      entry('cflow', 'seed:stage1', 256, 256, 2, 0.1),
      entry('cflow', 'seed:stage2_act', 256, 256, 2, null, 'failed'),
      entry('fastflow', 'seed', 256, 4, 1, 8, 'failed'),
    ]);
    const cf = budgets.find((b) => b.model === 'cflow');
    expect(cf?.steps).toBe(40 * (11_168 + 2_792 + 698));
    expect(cf?.oneCoreHours).toBeCloseTo((40 * (11_168 * 0.1 + 2_792 * 0.2 + 698 * 0.5)) / 3600, 6);
    expect(cf?.twoCoreHours).toBeNull();
    expect(cf?.scaled).toBeNull();
    expect(budgets.find((b) => b.model === 'fastflow')?.oneCoreHours).toBeNull();
    expect(budgets.find((b) => b.model === 'cfa')?.oneCoreHours).toBeNull();
  });
});
