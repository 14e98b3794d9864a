import { formatProgress, throttledProgress } from './progress';

describe('progress', () => {
  it('formats the fields that are present', () => {
    expect(formatProgress({ phase: 'train', epoch: 3, epochs: 12, step: 4, steps: 8, loss: 1.23456, etaSeconds: 30.6 })).toBe(
      'train epoch 3/12 step 4/8 loss 1.2346 eta 31 s',
    );
    expect(formatProgress({ phase: 'memory-bank', message: 'bank 10 x 4' })).toBe('memory-bank bank 10 x 4');
  });

  it('logs phase changes, messages and last steps at once, and the rest at most every interval', () => {
    let t = 0;
    const lines: string[] = [];
    const on = throttledProgress((l) => lines.push(l), 1000, () => t);
    on({ phase: 'features', step: 1, steps: 3 });
    t = 10;
    on({ phase: 'features', step: 2, steps: 3 }); // throttled
    t = 20;
    on({ phase: 'features', step: 3, steps: 3 }); // last step
    on({ phase: 'train', epoch: 1 }); // new phase
    t = 30;
    on({ phase: 'train', epoch: 1, step: 1 }); // throttled
    t = 1100;
    on({ phase: 'train', epoch: 1, step: 2 }); // interval passed
    expect(lines).toEqual(['features step 1/3', 'features step 3/3', 'train epoch 1', 'train epoch 1 step 2']);
  });
});
