import type { TRunProgressPoint } from '@defectlab/contracts';

/** A point of the loss chart: x is the global step (steps of all earlier epochs plus the step within the epoch). */
export type XY = readonly [number, number];

export interface LossSeries {
  /** Per-step losses at their global step, in increasing x. */
  readonly steps: readonly XY[];
  /** Each epoch's mean loss, drawn at the global step that ends the epoch. */
  readonly epochMeans: readonly XY[];
  /** Where each epoch after the first starts (global step), for the dashed boundary marks. */
  readonly epochStarts: readonly { readonly epoch: number; readonly x: number }[];
}

/**
 * Turns a run's stored progress reports into loss curves against a global step. Trainers report `step`
 * within an epoch (it restarts at 1 every epoch), so plotting `step` alone zigzags back; here
 * x = (steps of every earlier epoch) + step. An epoch's length is the largest step reported in it (the
 * trainer always reports an epoch's last step); an epoch without step reports counts as long as the longest
 * one seen. Reports repeated by a retried attempt keep the newest value. Reports without an epoch (a
 * single-phase trainer) get steps that continue across restarts of their counter.
 */
export function lossSeries(points: readonly TRunProgressPoint[]): LossSeries {
  const withLoss = points.filter((p) => p.loss !== null && Number.isFinite(p.loss));
  const stepped = new Map<string, { epoch: number; step: number; loss: number }>();
  const means = new Map<number, number>();
  const free: number[] = [];
  for (const p of withLoss) {
    const loss = p.loss as number;
    if (p.epoch !== null && p.step !== null) stepped.set(`${p.epoch}:${p.step}`, { epoch: p.epoch, step: p.step, loss });
    else if (p.epoch !== null) means.set(p.epoch, loss);
    else free.push(loss);
  }
  const lengths = new Map<number, number>();
  for (const s of stepped.values()) lengths.set(s.epoch, Math.max(lengths.get(s.epoch) ?? 0, s.step));
  const longest = Math.max(1, ...lengths.values());
  const epochs = [...new Set([...lengths.keys(), ...means.keys()])].sort((a, b) => a - b);
  const start = new Map<number, number>();
  let offset = 0;
  for (const e of epochs) {
    start.set(e, offset);
    offset += lengths.get(e) ?? longest;
  }
  const steps: XY[] = [...stepped.values()].map((s) => [(start.get(s.epoch) as number) + s.step, s.loss] as const).sort((a, b) => a[0] - b[0]);
  if (steps.length === 0 && free.length > 0) {
    // no epochs: number the reports in order
    free.forEach((loss, i) => steps.push([i + 1, loss]));
  }
  const epochMeans: XY[] = [...means.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([e, loss]) => [(start.get(e) as number) + (lengths.get(e) ?? longest), loss] as const);
  const epochStarts = epochs.slice(1).map((e) => ({ epoch: e, x: start.get(e) as number }));
  return { steps, epochMeans, epochStarts };
}

/** A fitting phase's progress as the stored reports show it (e.g. PatchCore's coreset selection). */
export interface PhaseProgress {
  readonly phase: string;
  readonly reports: number;
  /** The largest step reported (for PatchCore's coreset: the patches selected so far). */
  readonly lastStep: number | null;
  /** Seconds from the phase's first report to its last. */
  readonly seconds: number;
  /** (seconds since the phase's first report, step) for a progress chart. */
  readonly curve: readonly XY[];
}

/** Phases in the order they first reported, with their step counts over time. */
export function phaseProgress(points: readonly TRunProgressPoint[]): PhaseProgress[] {
  const byPhase = new Map<string, TRunProgressPoint[]>();
  for (const p of points) byPhase.set(p.phase, [...(byPhase.get(p.phase) ?? []), p]);
  return [...byPhase.entries()].map(([phase, list]) => {
    const t0 = Date.parse(list[0].at);
    const curve = list.filter((p) => p.step !== null).map((p) => [(Date.parse(p.at) - t0) / 1000, p.step as number] as const);
    const steps = curve.map((c) => c[1]);
    return {
      phase,
      reports: list.length,
      lastStep: steps.length > 0 ? Math.max(...steps) : null,
      seconds: (Date.parse(list[list.length - 1].at) - t0) / 1000,
      curve,
    };
  });
}

/**
 * Per-epoch series a model records in its fit report (`fitReport.training`): every array whose key starts with
 * "validation" and holds numbers, one entry per epoch in order (CFA's `validationLosses`; CS-Flow's
 * `validationLosses` and `validationAuroc`, null for an epoch it did not validate: `validateEvery` > 1).
 * Drawn at each epoch's end on the loss chart; an array without any number is left out.
 */
export function recordedEpochSeries(fitReport: Record<string, unknown> | null): { name: string; values: (number | null)[] }[] {
  const training = fitReport?.['training'];
  if (!training || typeof training !== 'object') return [];
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  return Object.entries(training as Record<string, unknown>)
    .filter(([k, v]) => /^validation/i.test(k) && Array.isArray(v) && v.some(finite) && v.every((x) => x === null || finite(x)))
    .map(([k, v]) => ({ name: `${singular(k.replace(/([A-Z])/g, ' $1').toLowerCase())} per epoch`, values: v as (number | null)[] }));
}

/** "validation losses" -> "validation loss", "validation aurocs" -> "validation auroc". */
function singular(words: string): string {
  return words.endsWith('sses') ? words.slice(0, -2) : words.endsWith('s') && !words.endsWith('ss') ? words.slice(0, -1) : words;
}

/** Places a per-epoch series (index 0 = the first epoch; null = not recorded that epoch) at the end of each epoch of `series`. */
export function atEpochEnds(values: readonly (number | null)[], series: LossSeries): XY[] {
  const ends = series.epochMeans.map((p) => p[0]);
  const starts = [0, ...series.epochStarts.map((s) => s.x)];
  return values.flatMap((v, i): XY[] => {
    const x = ends[i] ?? (i + 1 < starts.length ? starts[i + 1] : undefined);
    return x === undefined || v === null ? [] : [[x, v]];
  });
}
