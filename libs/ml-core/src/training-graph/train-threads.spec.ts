import os from 'node:os';
import { resolveTrainThreads, TRAIN_THREADS_ENV } from './train-threads';

describe('resolveTrainThreads', () => {
  it('defaults to the cores of the machine, a configured count wins, the environment wins over both', () => {
    expect(resolveTrainThreads(undefined, {})).toEqual({ threads: os.availableParallelism(), source: 'cores' });
    expect(resolveTrainThreads(3, {})).toEqual({ threads: 3, source: 'config' });
    expect(resolveTrainThreads(3, { [TRAIN_THREADS_ENV]: '5' })).toEqual({ threads: 5, source: 'env' });
    expect(resolveTrainThreads(undefined, { [TRAIN_THREADS_ENV]: ' ' })).toMatchObject({ source: 'cores' });
  });

  it('refuses values that are not positive integers, naming the variable', () => {
    expect(() => resolveTrainThreads(undefined, { [TRAIN_THREADS_ENV]: 'two' })).toThrow(/DEFECTLAB_TRAIN_THREADS=two/);
    expect(() => resolveTrainThreads(undefined, { [TRAIN_THREADS_ENV]: '0' })).toThrow(RangeError);
    expect(() => resolveTrainThreads(1.5, {})).toThrow(/1.5/);
  });
});
