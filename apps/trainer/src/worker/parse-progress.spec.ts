import type { FitProgress } from '@defectlab/ml-core';
import { formatProgress } from '../run/progress';
import { parseProgressLine } from './parse-progress';

describe('parseProgressLine', () => {
  it('reads back what formatProgress writes', () => {
    const p: FitProgress = { phase: 'train', epoch: 3, epochs: 12, step: 40, steps: 96, loss: 1.2345, throughput: 7.5, etaSeconds: 31 };
    expect(parseProgressLine(formatProgress(p))).toEqual({ phase: 'train', epoch: 3, epochs: 12, step: 40, steps: 96, loss: 1.2345, throughput: 7.5, etaSeconds: 31 });
    const partial: FitProgress = { phase: 'features', step: 2, steps: 5, message: 'extracting' };
    expect(parseProgressLine(formatProgress(partial))).toEqual({ phase: 'features', step: 2, steps: 5, message: 'extracting' });
  });

  it('ignores lines that are not progress', () => {
    expect(parseProgressLine('decoded 24 training images')).toBeNull();
    expect(parseProgressLine('backbone mobilenet (abc), onnxruntime')).toBeNull();
    expect(parseProgressLine('fit csflow on /tmp/x: 6 train')).toBeNull();
  });
});
