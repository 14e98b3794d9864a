import { formatPercent, operatingPointSpecs, unfittableReason } from './operating-point-specs';

describe('operatingPointSpecs', () => {
  it('always fits miss<=0.5%, miss=0 and F1-optimal on validation, then one oracle point last', () => {
    const specs = operatingPointSpecs();
    expect(specs.map((s) => s.name)).toEqual(['miss<=0.5%', 'miss=0', 'f1-max', 'oracle:f1-max']);
    expect(specs[0].spec).toEqual({ kind: 'min-overkill-at-miss', maxMissRate: 0.005 });
    expect(specs[1].spec).toEqual({ kind: 'min-overkill-at-miss', maxMissRate: 0 });
    expect(specs.filter((s) => s.oracle).map((s) => s.name)).toEqual(['oracle:f1-max']);
  });

  it('adds targets and drops duplicates of the defaults', () => {
    const names = operatingPointSpecs({ maxMissRates: [0.01, 0.005, 0], maxOverkillRates: [0.05] }).map((s) => s.name);
    expect(names).toEqual(['miss<=0.5%', 'miss=0', 'f1-max', 'miss<=1%', 'overkill<=5%', 'oracle:f1-max']);
  });

  it('formats percentages without float noise', () => {
    expect(formatPercent(0.005)).toBe('0.5%');
    expect(formatPercent(0.07)).toBe('7%');
    expect(formatPercent(0.125)).toBe('12.5%');
  });
});

describe('unfittableReason', () => {
  it('refuses miss-rate and F1 rules without defective fit images, but not fixed thresholds', () => {
    expect(unfittableReason({ kind: 'min-overkill-at-miss', maxMissRate: 0.005 }, 10, 0)).toMatch(/no defective images/);
    expect(unfittableReason({ kind: 'max-f1' }, 10, 0)).toMatch(/no defective images/);
    expect(unfittableReason({ kind: 'fixed', threshold: 1 }, 10, 0)).toBeNull();
    expect(unfittableReason({ kind: 'min-miss-at-overkill', maxOverkillRate: 0.05 }, 10, 0)).toMatch(/both classes/);
    expect(unfittableReason({ kind: 'max-f1' }, 10, 3)).toBeNull();
  });
});
