/**
 * Human-readable model sizes.
 *
 * Default: decimal SI units, 1 kB = 1000 B, 1 MB = 10^6 B, 1 GB = 10^9 B (what disks and most
 * download pages use): 370_200_000 -> "370.2 MB". Option `units: 'binary'`: IEC units,
 * 1 KiB = 1024 B, 1 MiB = 2^20 B: 370_200_000 -> "353.1 MiB". Bytes below one kilo-unit are
 * printed as an integer ("512 B"). A value that rounds up to 1000 (decimal) or 1024 (binary) of
 * a unit is shown in the next unit ("1.0 MB", not "1000.0 kB").
 */
import { assertInteger, MetricsInputError } from './validate';

export interface FormatBytesOptions {
  /** 'decimal' (default, kB/MB/GB, powers of 1000) or 'binary' (KiB/MiB/GiB, powers of 1024) */
  readonly units?: 'decimal' | 'binary';
  /** digits after the decimal point, default 1 */
  readonly digits?: number;
}

const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Formats a byte count.
 * @param bytes - finite, >= 0 (fractions allowed, e.g. averages)
 */
export function formatBytes(bytes: number, options: FormatBytesOptions = {}): string {
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
    throw new MetricsInputError('invalid-argument', `bytes is ${String(bytes)}; it must be a finite number >= 0`);
  }
  const digits = options.digits ?? 1;
  assertInteger(digits, 0, 10, 'digits');
  const binary = options.units === 'binary';
  const base = binary ? 1024 : 1000;
  const names = binary ? BINARY : DECIMAL;
  if (bytes < base) {
    const rounded = Math.round(bytes);
    if (rounded < base) return `${rounded} B`;
    return `${(1).toFixed(digits)} ${names[1]}`; // e.g. 999.6 B -> "1.0 kB"
  }
  let unit = 0;
  let value = bytes;
  while (value >= base && unit < names.length - 1) {
    value /= base;
    unit++;
  }
  // rounding can carry into the next unit (999.96 kB -> 1000.0 kB): move up once more
  if (Number(value.toFixed(digits)) >= base && unit < names.length - 1) {
    value /= base;
    unit++;
  }
  return `${value.toFixed(digits)} ${names[unit]}`;
}
