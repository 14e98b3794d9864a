import { OnnxGraphBuilder } from '../onnx';
import { buildTrainingGraph, type TrainingGraph } from '../training-graph/training-graph';
import { onnxEngineName, timeTrainingSteps, trainingStateBytes } from './train-step';

const N = 5;
const LR = 0.1;

/** loss = sum(p * G) with AMSGrad AdamW (state per parameter: p, m, v, vmax), no decay or clipping. */
function linearProbe(init: Float32Array): TrainingGraph {
  const g = new OnnxGraphBuilder({ name: 'probe' });
  const grad = g.input('G', [init.length]);
  const p = g.initializer('p', init, [init.length]);
  const loss = g.reduceSum(g.mul(p, grad), [0], false);
  return buildTrainingGraph({
    model: 'probe',
    builder: g,
    loss,
    params: [p],
    optimizer: { kind: 'adamw', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradClipNorm: 0, amsgrad: true },
  });
}

describe('the ONNX train-step harness', () => {
  it('counts the state as float32 parameters plus the optimizer moments', () => {
    expect(trainingStateBytes(linearProbe(new Float32Array(N)))).toBe(4 * N * 4);
  });

  it('names the engine with the installed onnxruntime-node version', () => {
    expect(onnxEngineName()).toMatch(/^onnxruntime-node \d+\.\d+\.\d+\S* \(cpu\)$/);
  });

  it('times the steps after one warm-up step, all on one session', async () => {
    const logged: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
    const G = { data: new Float32Array(N).fill(1), dims: [N] };
    const times = await timeTrainingSteps(linearProbe(new Float32Array(N).fill(1)), { G }, { threads: 1, steps: 2, learningRate: LR }).finally(() => spy.mockRestore());
    expect(times.wall).toHaveLength(2);
    expect(times.cpu).toHaveLength(2);
    for (const s of [...times.wall, ...times.cpu]) expect(s).toBeGreaterThanOrEqual(0);
    // a constant gradient moves each parameter by lr per Adam step, so the loss (taken before each update)
    // falls by N * lr from step to step: three steps (the warm-up and two timed) on one state
    const losses = logged.map((l) => Number(/loss (\S+),/.exec(l)?.[1]));
    expect(losses).toHaveLength(3);
    losses.forEach((loss, k) => expect(loss).toBeCloseTo(N * (1 - k * LR), 3));
    for (const l of logged) expect(l).toMatch(/peak RSS so far \d+\.\d\d GiB/);
  });
});
