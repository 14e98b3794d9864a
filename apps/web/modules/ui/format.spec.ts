import { formatBytes, formatDuration, formatInterval, formatPercent, formatThreshold } from './format';

describe('format', () => {
  it('writes rates as percentages and undefined rates as n/a', () => {
    expect(formatPercent(0.125)).toBe('12.50 %');
    expect(formatPercent(0)).toBe('0.00 %');
    expect(formatPercent(null)).toBe('n/a');
    expect(formatInterval({ low: 0.01, high: 0.2 })).toBe('[1.00 %, 20.00 %]');
  });

  it('writes sizes, durations and thresholds', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3_000_000)).toBe('3.00 MB');
    expect(formatBytes(953_700_000)).toBe('953.7 MB');
    expect(formatDuration(65)).toBe('1 min 05 s');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatThreshold('+Infinity')).toBe('+∞');
    expect(formatThreshold(0.123456789)).toBe('0.123457');
  });
});
