import { formatBytes } from './size';

describe('formatBytes', () => {
  it('decimal units by default', () => {
    expect(formatBytes(370_200_000)).toBe('370.2 MB');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(1_500_000_000)).toBe('1.5 GB');
  });

  it('binary units on request', () => {
    expect(formatBytes(370_200_000, { units: 'binary' })).toBe('353.1 MiB');
    expect(formatBytes(1023, { units: 'binary' })).toBe('1023 B');
    expect(formatBytes(1024, { units: 'binary' })).toBe('1.0 KiB');
    expect(formatBytes(3 * 1024 ** 3, { units: 'binary', digits: 2 })).toBe('3.00 GiB');
  });

  it('carries a rounded value into the next unit', () => {
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(999.6)).toBe('1.0 kB');
  });

  it('rejects negative, NaN and infinite sizes', () => {
    expect(() => formatBytes(-1)).toThrow(/bytes is -1/);
    expect(() => formatBytes(NaN)).toThrow(/bytes is NaN/);
    expect(() => formatBytes(Infinity)).toThrow(/bytes is Infinity/);
  });
});
