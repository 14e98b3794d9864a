import { seedFitSchedules } from './fit-budget';
import { trainStepPlan } from './train-steps';

const TAPS = [
  { name: 'stage1', stride: 4 },
  { name: 'stage2_act', stride: 8 },
  { name: 'stage3_act', stride: 16 },
];

describe('trainStepPlan', () => {
  it('times every step a seed-like fit budget needs, with 1 and 2 threads on the ONNX engine', () => {
    const plan = trainStepPlan(false);
    for (const s of seedFitSchedules(698, TAPS)) {
      for (const term of s.terms) {
        for (const threads of [1, 2]) {
          const hit = plan.filter((p) => p.model === s.model && p.preset === term.entryPreset && p.imageSize === term.imageSize && p.threads === threads && p.engine === 'onnx');
          expect(hit).toHaveLength(1);
          expect(hit[0].batch).toBeLessThanOrEqual(term.presetBatch);
        }
      }
    }
  });

  it('times the CS-Flow paper preset at batch 1 and 2 on the ONNX engine with one thread in the full mode only', () => {
    const paper = (quick: boolean) => trainStepPlan(quick).filter((s) => s.model === 'csflow' && s.preset === 'paper');
    expect(paper(false).map((s) => [s.engine, s.threads, s.batch, s.imageSize, s.steps])).toEqual([
      ['onnx', 1, 1, 768, 3],
      ['onnx', 1, 2, 768, 3],
    ]);
    expect(paper(false).map((s) => s.args)).toEqual([
      ['--preset', 'paper', '--batch', '1'],
      ['--preset', 'paper', '--batch', '2'],
    ]);
    expect(paper(true)).toEqual([]);
  });

  it('times seed-like steps 3 times, and once with --quick, never at another batch', () => {
    const full = trainStepPlan(false).filter((s) => !(s.model === 'csflow' && s.preset === 'paper'));
    const quick = trainStepPlan(true);
    expect(quick.map((s) => ({ ...s, steps: 0 }))).toEqual(full.map((s) => ({ ...s, steps: 0 })));
    expect(full.filter((s) => s.model === 'fastflow').map((s) => s.steps)).toEqual([3, 3]);
    expect(quick.filter((s) => s.model === 'fastflow').map((s) => s.steps)).toEqual([1, 1]);
    expect(quick.filter((s) => s.preset === 'small').map((s) => s.steps)).toEqual([3, 3, 3]);
  });
});
