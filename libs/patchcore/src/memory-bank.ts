import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RowMatrix } from './coreset';

/** The memory bank: `size` patch features of dimension `dim`, row-major [size, dim]. */
export interface MemoryBank extends RowMatrix {
  readonly size: number;
}

/** Copies rows `indices` of `rows` [n, dim] into a new bank [indices.length, dim]. */
export function gatherRows(rows: RowMatrix, indices: ArrayLike<number>): MemoryBank {
  const { dim } = rows;
  const data = new Float32Array(indices.length * dim);
  for (let k = 0; k < indices.length; k++) data.set(rows.data.subarray(indices[k] * dim, (indices[k] + 1) * dim), k * dim);
  return { data, dim, size: indices.length };
}

/** Bytes the bank occupies as float32 (its share of the model size). */
export function memoryBankBytes(bank: MemoryBank): number {
  return bank.data.byteLength;
}

const BANK_FILE = 'memory-bank.f32';

/** Writes the bank as raw little-endian float32 (`memory-bank.f32`) into `dir`. */
export async function writeMemoryBank(dir: string, bank: MemoryBank): Promise<void> {
  await fs.writeFile(path.join(dir, BANK_FILE), new Uint8Array(bank.data.buffer, bank.data.byteOffset, bank.data.byteLength));
}

/** Reads a bank written by {@link writeMemoryBank}, checking its size against `dim`/`size`. */
export async function readMemoryBank(dir: string, dim: number, size: number): Promise<MemoryBank> {
  const buf = await fs.readFile(path.join(dir, BANK_FILE));
  if (buf.byteLength !== dim * size * 4) throw new Error(`readMemoryBank: ${BANK_FILE} has ${buf.byteLength} bytes, expected ${dim * size * 4}`);
  const data = new Float32Array(dim * size);
  new Uint8Array(data.buffer).set(buf);
  return { data, dim, size };
}
