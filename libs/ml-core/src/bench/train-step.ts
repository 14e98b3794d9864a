/**
 * The ONNX-engine half of the train-step scripts (libs/<model>/bench/train-step.bench.ts): the engine's
 * name as the entries report it, the bytes of a training graph's state, and timed steps of a
 * {@link TrainingSession} on one fixed batch.
 */
import type { Tensor } from '../tensor';
import { runtimeVersions } from '../runtime/machine-info';
import type { TrainingGraph } from '../training-graph/training-graph';
import { TrainingSession } from '../training-graph/training-session';
import { peakRssGib, timeSteps, type StepTimes } from './step-timing';

/** The `engine` of an ONNX entry, e.g. "onnxruntime-node 1.30.0 (cpu)". */
export function onnxEngineName(): string {
  return `onnxruntime-node ${runtimeVersions(['onnxruntime-node'])['onnxruntime-node']} (cpu)`;
}

/** Bytes of a training graph's state (parameters and optimizer state, float32), what each step feeds back. */
export function trainingStateBytes(graph: Pick<TrainingGraph, 'stateInputs'>): number {
  return 4 * graph.stateInputs.reduce((n, s) => n + s.dims.reduce((a, b) => a * b, 1), 0);
}

export interface TrainStepTiming {
  /** Intra-op threads of the session. */
  readonly threads: number;
  /** Timed steps (after one warm-up step). */
  readonly steps: number;
  readonly learningRate: number;
}

/**
 * Opens a session on `graph` and times `steps` training steps on `batch` after one warm-up step, logging
 * each step's loss and the peak RSS so far on stderr; the session is released however it ends.
 */
export async function timeTrainingSteps(graph: TrainingGraph, batch: Readonly<Record<string, Tensor>>, timing: TrainStepTiming): Promise<StepTimes> {
  const session = await TrainingSession.create(graph, { threads: timing.threads });
  try {
    return await timeSteps(timing.steps, async () => {
      const r = await session.trainStep(batch, timing.learningRate);
      process.stderr.write(`  step: loss ${r.loss.toFixed(4)}, peak RSS so far ${peakRssGib().toFixed(2)} GiB\n`);
    });
  } finally {
    await session.release();
  }
}
