/** Display formatting shared by every page (no metric is computed here). */

/** A rate as a percentage with two decimals, or "n/a" for an undefined rate. */
export function formatPercent(rate: number | null | undefined, digits = 2): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return 'n/a';
  return `${(rate * 100).toFixed(digits)} %`;
}

/** No-break space: an interval never wraps inside its brackets. */
const NBSP = '\u00a0';

/** A 95 % interval of a rate, e.g. "[0.12 %, 4.50 %]", joined by no-break spaces so it never wraps mid-bracket. */
export function formatInterval(iv: { low: number; high: number } | null | undefined): string {
  if (!iv) return '';
  return `[${formatPercent(iv.low).replace(' ', NBSP)},${NBSP}${formatPercent(iv.high).replace(' ', NBSP)}]`;
}

/** "1 change", "2 changes": a count with its noun in the right number (English, regular or given plural). */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'n/a';
  // decimal units (1 MB = 10^6 bytes), the same the target form takes
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** Seconds as "1 h 02 min", "3 min 05 s" or "12 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'n/a';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

/** A threshold for display; the exact value is kept in data attributes. */
export function formatThreshold(t: number | '+Infinity'): string {
  if (t === '+Infinity' || t === Infinity) return '+∞';
  if (t === -Infinity) return '−∞';
  const a = Math.abs(t);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? t.toExponential(4) : t.toPrecision(6);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  return iso.slice(0, 16).replace('T', ' ');
}
