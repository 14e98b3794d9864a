import { formatBytes, formatDuration, formatInterval, formatPercent, formatThreshold, plural } from './format';

describe('format', () => {
  it('writes rates as percentages and undefined rates as n/a', () => {
    expect(formatPercent(0.125)).toBe('12.50 %');
    expect(formatPercent(0)).toBe('0.00 %');
    expect(formatPercent(null)).toBe('n/a');
    // no-break spaces: a table cell never wraps an interval inside its brackets
    expect(formatInterval({ low: 0.01, high: 0.2 })).toBe('[1.00\u00a0%,\u00a020.00\u00a0%]');
    expect(formatInterval({ low: 0.01, high: 0.2 })).not.toMatch(/ /);
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

  it('writes counts with the noun in the right number', () => {
    expect(plural(1, 'change')).toBe('1 change');
    expect(plural(0, 'change')).toBe('0 changes');
    expect(plural(2, 'change')).toBe('2 changes');
    expect(plural(3, 'image', 'images')).toBe('3 images');
  });
});
