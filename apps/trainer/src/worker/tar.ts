/** Folder <-> tar conversions with the system's tar (GNU tar on Debian). */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';

function tar(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('tar', args, (err) => (err ? reject(err) : resolve())));
}

/** A tar of everything in `folder`, written to `file` and returned as bytes. */
export async function tarFolder(folder: string, file: string): Promise<Buffer> {
  await tar(['-cf', file, '-C', folder, '.']);
  return fs.readFile(file);
}

/** Unpacks the tar `bytes` (staged in `file`) into `folder` (created). */
export async function untarInto(bytes: Uint8Array, file: string, folder: string): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  await fs.writeFile(file, bytes);
  await tar(['-xf', file, '-C', folder, '--no-same-owner']);
}
