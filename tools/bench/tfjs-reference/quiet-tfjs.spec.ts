import type * as tfType from '@tensorflow/tfjs';
import { silenceNodeBackendAdvice } from './quiet-tfjs';

describe('silenceNodeBackendAdvice', () => {
  it('keeps the "install our node backend" advice off the console when the cpu backend is first used', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as typeof tfType;
    const warned: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void warned.push(args.join(' ')));
    try {
      silenceNodeBackendAdvice(tf);
      expect(await tf.setBackend('cpu')).toBe(true);
      const t = tf.tensor1d([1, 2, 3]);
      expect(Array.from(await t.data())).toEqual([1, 2, 3]);
      t.dispose();
    } finally {
      warn.mockRestore();
    }
    expect(warned.filter((w) => /node backend/.test(w))).toEqual([]);
  }, 60_000);
});
