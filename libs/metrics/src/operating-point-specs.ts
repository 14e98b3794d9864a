import type { OperatingPointSpec } from './operating-points';

/** An operating point to fit: its report name, the rule, and whether fitting needs defective images. */
export interface NamedSpec {
  readonly name: string;
  readonly spec: OperatingPointSpec;
  /** Fitted on the test split itself (test-optimal, labelled "oracle"). */
  readonly oracle: boolean;
}

/** Extra targets, e.g. a product line's: miss rate <= m, overkill rate <= o (fractions). */
export interface OperatingPointTargets {
  readonly maxMissRates?: readonly number[];
  readonly maxOverkillRates?: readonly number[];
}

/** "0.5%" for 0.005, "0%" for 0, "12.5%" for 0.125 (up to 4 significant digits). */
export function formatPercent(fraction: number): string {
  return `${+(fraction * 100).toPrecision(4)}%`;
}

/**
 * The operating points every evaluation reports: fitted on validation, miss <= 0.5 %, miss = 0 and
 * F1-optimal, then one per extra target (duplicates dropped), then the test-optimal F1 point labelled oracle.
 */
export function operatingPointSpecs(targets: OperatingPointTargets = {}): NamedSpec[] {
  const out: NamedSpec[] = [
    { name: 'miss<=0.5%', spec: { kind: 'min-overkill-at-miss', maxMissRate: 0.005 }, oracle: false },
    { name: 'miss=0', spec: { kind: 'min-overkill-at-miss', maxMissRate: 0 }, oracle: false },
    { name: 'f1-max', spec: { kind: 'max-f1' }, oracle: false },
  ];
  for (const m of targets.maxMissRates ?? []) {
    out.push({ name: m === 0 ? 'miss=0' : `miss<=${formatPercent(m)}`, spec: { kind: 'min-overkill-at-miss', maxMissRate: m }, oracle: false });
  }
  for (const o of targets.maxOverkillRates ?? []) {
    out.push({ name: `overkill<=${formatPercent(o)}`, spec: { kind: 'min-miss-at-overkill', maxOverkillRate: o }, oracle: false });
  }
  out.push({ name: 'oracle:f1-max', spec: { kind: 'max-f1' }, oracle: true });
  const seen = new Set<string>();
  return out.filter((s) => (seen.has(s.name) ? false : (seen.add(s.name), true)));
}

/**
 * Why a point cannot be fitted on a fit set with these class counts, or null when it can. Miss-rate and
 * F1 rules are meaningless without defective images (the metrics library would return "flag nothing").
 */
export function unfittableReason(spec: OperatingPointSpec, fitGood: number, fitDefective: number): string | null {
  if (spec.kind === 'fixed') return null;
  if (fitDefective === 0 && spec.kind !== 'min-miss-at-overkill') {
    return 'the fit split has no defective images (use a split rule with validationFractionDefective > 0)';
  }
  if (fitDefective === 0 || fitGood === 0) {
    return `the fit split has ${fitGood} good and ${fitDefective} defective images; both classes are needed`;
  }
  return null;
}
