import { limitVerdict, missEvidence, overallVerdict, rateVerdict } from './compliance';

const iv = (low: number, high: number) => ({ low, high, method: 'clopper-pearson' as const, confidence: 0.95 });

describe('compliance verdicts', () => {
  it('is green when the whole interval is within the target, amber when only the estimate is, red above', () => {
    expect(rateVerdict(0.01, iv(0.001, 0.04), 0.05)).toBe('green');
    expect(rateVerdict(0.01, iv(0.001, 0.09), 0.05)).toBe('amber');
    expect(rateVerdict(0.06, iv(0.03, 0.09), 0.05)).toBe('red');
    expect(rateVerdict(null, null, 0.05)).toBe('none');
  });

  it('holds size and latency as plain limits', () => {
    expect(limitVerdict(10, 10)).toBe('green');
    expect(limitVerdict(11, 10)).toBe('red');
    expect(limitVerdict(null, 10)).toBe('none');
  });

  it('is red when anything is red, amber when anything is uncertain', () => {
    expect(overallVerdict(['green', 'green'])).toBe('green');
    expect(overallVerdict(['green', 'amber'])).toBe('amber');
    expect(overallVerdict(['green', 'none'])).toBe('amber');
    expect(overallVerdict(['amber', 'red'])).toBe('red');
    expect(overallVerdict([])).toBe('none');
  });

  it('says when a test set is too small to show the miss target at 95 % confidence, and how many defective images it takes', () => {
    // 0 misses out of 20 defective images can never prove miss <= 0.5 %
    const small = missEvidence(20, 0.005);
    expect(small.canShow).toBe(false);
    expect(small.bestUpper).toBeCloseTo(0.1684, 4);
    expect(small.needed).toBe(736);
    expect(small.neededOneSided).toBe(598);
    expect(missEvidence(736, 0.005).canShow).toBe(true);
    expect(missEvidence(735, 0.005).canShow).toBe(false);
  });
});
