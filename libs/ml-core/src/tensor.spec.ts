import { elementCount, tensor, zeros } from './tensor';

describe('tensor', () => {
  it('counts elements of NCHW dims', () => {
    expect(elementCount([2, 3, 4, 5])).toBe(120);
    expect(zeros([1, 2, 2, 2]).data.length).toBe(8);
  });

  it('rejects data whose length does not match dims', () => {
    expect(() => tensor(new Float32Array(5), [2, 3])).toThrow(/5 elements but dims \[2, 3\] need 6/);
  });
});
