import { trainStepPlan } from './train-steps';

describe('trainStepPlan', () => {
  const key = (s: ReturnType<typeof trainStepPlan>[number]) => `${s.model}/${s.preset}/${s.engine}/${s.threads}/${s.batch ?? 'preset'}`;

  it('times the CS-Flow paper preset at batch 1 and 2 on the ONNX engine with one thread in the full mode only', () => {
    const paper = (quick: boolean) => trainStepPlan(quick).filter((s) => s.model === 'csflow' && s.preset === 'paper');
    expect(paper(false).map((s) => [s.engine, s.threads, s.batch, s.steps])).toEqual([
      ['onnx', 1, 1, 3],
      ['onnx', 1, 2, 3],
    ]);
    expect(paper(true)).toEqual([]);
  });

  it('--quick cuts only timed steps: each of its entries is a full-mode entry with the same preset and batch', () => {
    const full = new Map(trainStepPlan(false).map((s) => [key(s), s]));
    for (const s of trainStepPlan(true)) {
      expect(full.has(key(s))).toBe(true);
      expect(s.steps).toBeLessThanOrEqual(full.get(key(s))?.steps ?? 0);
    }
  });
});
