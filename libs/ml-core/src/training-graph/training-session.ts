import * as ort from 'onnxruntime-node';
import type { Tensor } from '../tensor';
import type { ExecutionProvider } from './execution-provider';
import { GRAD_NORM_OUTPUT, LEARNING_RATE_INPUT, STEP_INPUT, updatedName } from './optimizer-graph';
import type { TrainingGraph } from './training-graph';

export interface TrainingSessionOptions {
  /** Intra-op threads (default 1). */
  readonly threads?: number;
  readonly executionProvider?: ExecutionProvider;
}

export interface StepResult {
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
}

/** Thrown by {@link TrainingSession.step} when the loss is NaN or infinite; the state is left as before the step. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly loss: number,
  ) {
    super(`loss is ${loss} at step ${step}: training stopped, parameters kept from the last finite step`);
    this.name = 'NonFiniteLossError';
  }
}

/** Parameters and optimizer state as plain arrays (checkpoints), keyed by state input name. */
export interface TrainingState {
  /** Optimizer steps taken. */
  readonly step: number;
  readonly tensors: ReadonlyMap<string, Float32Array>;
}

/**
 * Runs a {@link TrainingGraph}: each {@link step} is one session run (forward + backward + update).
 * Parameters and optimizer state are held as onnxruntime tensors between steps: the new values a
 * step outputs are fed as the next step's inputs. onnxruntime-node exposes no IO binding or in-place
 * update, so each step copies the state out of the native run once (output tensors) - the bench
 * reports what that costs.
 */
export class TrainingSession {
  private released = false;

  private constructor(
    readonly graph: TrainingGraph,
    private readonly session: ort.InferenceSession,
    readonly threads: number,
    readonly executionProvider: ExecutionProvider,
    private readonly store: StateStore,
  ) {}

  private get state(): Map<string, ort.Tensor> {
    return this.store.tensors;
  }

  private get steps(): number {
    return this.store.step;
  }

  /**
   * Opens a session on `graph`. With `shareStateWith`, both sessions read and advance one state (no
   * copy): e.g. a graph compiled for the last, smaller batch of an epoch beside the full-batch one.
   */
  static async create(graph: TrainingGraph, options: TrainingSessionOptions = {}, shareStateWith?: TrainingSession): Promise<TrainingSession> {
    if (shareStateWith) {
      const a = shareStateWith.graph.stateInputs.map((s) => `${s.name}[${s.dims.join(',')}]`).join(';');
      const b = graph.stateInputs.map((s) => `${s.name}[${s.dims.join(',')}]`).join(';');
      if (a !== b) throw new Error('TrainingSession.create: graphs that share state must have the same parameters and optimizer state');
    }
    const threads = options.threads ?? 1;
    const provider = options.executionProvider ?? 'cpu';
    const session = await ort.InferenceSession.create(graph.bytes, {
      executionProviders: [provider],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    const t = new TrainingSession(graph, session, threads, provider, shareStateWith?.store ?? { tensors: new Map(), step: 0 });
    if (!shareStateWith) t.setState({ step: 0, tensors: initialState(graph) });
    return t;
  }

  /** Optimizer steps taken so far. */
  get step(): number {
    return this.steps;
  }

  /**
   * One training step on a batch (the graph's data inputs) at learning rate `lr`. On a NaN/Inf loss
   * the new state is discarded and {@link NonFiniteLossError} is thrown.
   */
  async trainStep(batch: Readonly<Record<string, Tensor>>, lr: number): Promise<StepResult> {
    if (this.released) throw new Error('TrainingSession.trainStep: session released');
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.graph.dataInputs) {
      const t = batch[name];
      if (!t) throw new Error(`TrainingSession.trainStep: missing input "${name}"`);
      feeds[name] = new ort.Tensor('float32', t.data, [...t.dims]);
    }
    for (const [name, t] of this.state) feeds[name] = t;
    feeds[LEARNING_RATE_INPUT] = new ort.Tensor('float32', Float32Array.of(lr), []);
    feeds[STEP_INPUT] = new ort.Tensor('float32', Float32Array.of(this.steps + 1), []);
    const out = await this.session.run(feeds);
    const loss = Number(out[this.graph.lossOutput].data[0]);
    const gradNorm = Number(out[GRAD_NORM_OUTPUT].data[0]);
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
      for (const t of Object.values(out)) t.dispose();
      throw new NonFiniteLossError(this.steps + 1, Number.isFinite(loss) ? gradNorm : loss);
    }
    for (const s of this.graph.stateInputs) {
      this.state.get(s.name)?.dispose();
      this.state.set(s.name, out[updatedName(s.name)]);
    }
    this.store.step++;
    return { loss, gradNorm };
  }

  /** The current parameters by name (copies). */
  parameters(): Map<string, Float32Array> {
    return new Map(this.graph.params.map((p) => [p.name, Float32Array.from(this.state.get(p.name)?.data as Float32Array)]));
  }

  /** Parameters, optimizer state and step count (copies), for checkpoints. */
  exportState(): TrainingState {
    const tensors = new Map<string, Float32Array>();
    for (const s of this.graph.stateInputs) tensors.set(s.name, Float32Array.from(this.state.get(s.name)?.data as Float32Array));
    return { step: this.steps, tensors };
  }

  /** Restores a state from {@link exportState} (a resumed checkpoint); every state tensor must be present with its size. */
  setState(state: TrainingState): void {
    const next = new Map<string, ort.Tensor>();
    for (const s of this.graph.stateInputs) {
      const data = state.tensors.get(s.name);
      const size = s.dims.reduce((a, b) => a * b, 1);
      if (!data) throw new Error(`TrainingSession.setState: no values for "${s.name}"`);
      if (data.length !== size) throw new Error(`TrainingSession.setState: "${s.name}" has ${data.length} values, the graph needs [${s.dims.join(', ')}] = ${size}`);
      next.set(s.name, new ort.Tensor('float32', Float32Array.from(data), [...s.dims]));
    }
    for (const t of this.state.values()) t.dispose();
    this.store.tensors = next;
    this.store.step = state.step;
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
  }
}

/** The state one or more sessions advance: parameters and optimizer tensors, and the step count. */
interface StateStore {
  tensors: Map<string, ort.Tensor>;
  step: number;
}

/** Parameters from the forward graph's initializers, optimizer state zero. */
export function initialState(graph: TrainingGraph): Map<string, Float32Array> {
  const tensors = new Map<string, Float32Array>();
  const initial = new Map(graph.params.map((p) => [p.name, p.initial]));
  for (const s of graph.stateInputs) tensors.set(s.name, initial.get(s.name) ?? new Float32Array(s.dims.reduce((a, b) => a * b, 1)));
  return tensors;
}
