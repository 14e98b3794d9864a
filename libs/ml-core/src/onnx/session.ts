import * as ort from 'onnxruntime-node';
import type { Tensor } from '../tensor';
import type { ExecutionProvider } from '../training-graph/execution-provider';

/** A feed tensor: float32 (our {@link Tensor}) or an integer tensor for index/shape inputs. */
export type FeedTensor = Tensor | { readonly data: BigInt64Array | Int32Array; readonly dims: readonly number[] };

export interface SessionOptions {
  /** Intra-op threads (default 1: on a shared 2-core machine more threads rarely help; measure). */
  readonly threads?: number;
  /** Graph optimisation level (default 'all'). */
  readonly optimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Where it runs (default 'cpu'): e.g. a training run's per-epoch validation beside its CUDA training session. */
  readonly executionProvider?: ExecutionProvider;
}

/**
 * An onnxruntime-node session behind a narrow interface. Create with {@link createSession}; call
 * {@link OnnxSession.release} (in `finally`) when done. Outputs come back as plain float32
 * {@link Tensor}s that stay valid after release; int64/int32 outputs (e.g. TopK indices) are
 * converted to float32 (exact below 2^24).
 */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the graph; `outputs` restricts which outputs are fetched (default all). */
  run(feeds: Readonly<Record<string, FeedTensor>>, outputs?: readonly string[]): Promise<Record<string, Tensor>>;
  /** Frees the native session; further `run` calls throw. Idempotent. */
  release(): Promise<void>;
}

let openSessions = 0;

/** Number of sessions created by {@link createSession} and not yet released (for leak tests). */
export function openSessionCount(): number {
  return openSessions;
}

/**
 * Opens an onnxruntime-node session (CPU unless `options.executionProvider` says otherwise) on ONNX bytes (e.g. `OnnxGraphBuilder.toBytes()`) or a
 * `.onnx` file path, with warnings silenced (`logSeverityLevel: 3`: unused initializers are normal
 * for our generated graphs).
 */
export async function createSession(model: Uint8Array | string, options: SessionOptions = {}): Promise<OnnxSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [options.executionProvider ?? 'cpu'],
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: options.optimization ?? 'all',
    logSeverityLevel: 3,
  };
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  openSessions++;
  let released = false;

  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, outputs) {
      if (released) throw new Error('OnnxSession.run: session already released');
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(t);
      const results = outputs ? await session.run(ortFeeds, [...outputs]) : await session.run(ortFeeds);
      const out: Record<string, Tensor> = {};
      for (const [name, value] of Object.entries(results)) {
        try {
          out[name] = fromOrtTensor(name, value);
        } finally {
          value.dispose();
        }
      }
      return out;
    },
    async release() {
      if (released) return;
      released = true;
      openSessions--;
      await session.release();
    },
  };
}

/**
 * One-shot convenience: opens a session, runs it once and releases it (also on error).
 * For repeated runs keep one session from {@link createSession} instead.
 */
export async function runSession(
  model: Uint8Array | string,
  feeds: Readonly<Record<string, FeedTensor>>,
  options: SessionOptions = {},
): Promise<Record<string, Tensor>> {
  const session = await createSession(model, options);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function toOrtTensor(t: FeedTensor): ort.Tensor {
  const dims = [...t.dims];
  if (t.data instanceof Float32Array) return new ort.Tensor('float32', t.data, dims);
  if (t.data instanceof BigInt64Array) return new ort.Tensor('int64', t.data, dims);
  return new ort.Tensor('int32', t.data, dims);
}

function fromOrtTensor(name: string, value: ort.Tensor): Tensor {
  const dims = [...value.dims];
  switch (value.type) {
    case 'float32':
      return { data: value.data as Float32Array, dims };
    case 'int64':
      return { data: Float32Array.from(value.data as BigInt64Array, (v) => Number(v)), dims };
    case 'int32':
      return { data: Float32Array.from(value.data as Int32Array), dims };
    default:
      throw new TypeError(`OnnxSession.run: output "${name}" has unsupported type ${value.type}`);
  }
}
