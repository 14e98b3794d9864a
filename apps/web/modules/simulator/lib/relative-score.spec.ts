import fc from 'fast-check';
import { relativeToThreshold } from './relative-score';

describe('relativeToThreshold', () => {
  it('says how far a score is from its own threshold, as a ratio where both are positive', () => {
    expect(relativeToThreshold(1.5, 1.2).text).toBe('1.25× its threshold (flagged defective)');
    expect(relativeToThreshold(0.6, 1.2).text).toBe('0.5× its threshold (passed as good)');
    expect(relativeToThreshold(-3, -2).text).toBe('−1 from its threshold (passed as good)');
    expect(relativeToThreshold(5, Infinity).text).toBe('its threshold flags nothing (passed as good)');
  });

  it('property: flagged exactly when the score reaches the threshold (the platform rule score >= threshold)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (score, threshold) => {
        const r = relativeToThreshold(score, threshold);
        expect(r.flagged).toBe(score >= threshold);
        if (r.ratio !== null) expect(r.ratio >= 1).toBe(r.flagged);
      }),
    );
  });
});
