import { MetricsInputError, validateScoresAndLabels } from './validate';

describe('validateScoresAndLabels', () => {
  it('returns class sizes for valid input of any numeric array type', () => {
    expect(validateScoresAndLabels([0.1, 0.9, 0.5], [0, 1, 0])).toEqual({ nGood: 2, nDefective: 1 });
    expect(validateScoresAndLabels(new Float32Array([1, 2]), new Uint8Array([1, 1]))).toEqual({ nGood: 0, nDefective: 2 });
    expect(validateScoresAndLabels(new Float64Array([]), [])).toEqual({ nGood: 0, nDefective: 0 });
  });

  it('rejects NaN and infinite scores, naming the index', () => {
    expect(() => validateScoresAndLabels([0.1, NaN], [0, 1])).toThrow(/predScores\[1\] is NaN/);
    expect(() => validateScoresAndLabels([Infinity], [0])).toThrow(/predScores\[0\] is Infinity/);
    expect(() => validateScoresAndLabels(new Float32Array([0, -Infinity]), [0, 0])).toThrow(MetricsInputError);
  });

  it('rejects labels other than 0 and 1', () => {
    expect(() => validateScoresAndLabels([1, 2], [0, 2])).toThrow(/gtLabels\[1\] is 2; labels must be 0 \(good\) or 1 \(defective\)/);
    expect(() => validateScoresAndLabels([1], [0.5])).toThrow(/gtLabels\[0\] is 0.5/);
    expect(() => validateScoresAndLabels([1], new Uint8Array([255]))).toThrow(/255/);
  });

  it('rejects length mismatches', () => {
    try {
      validateScoresAndLabels([1, 2, 3], [0, 1]);
      throw new Error('expected a throw');
    } catch (e) {
      expect(e).toBeInstanceOf(MetricsInputError);
      expect((e as MetricsInputError).code).toBe('length-mismatch');
      expect((e as Error).message).toMatch(/predScores has 3 elements but gtLabels has 2/);
    }
  });
});
