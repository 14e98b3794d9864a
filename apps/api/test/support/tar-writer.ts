/** A minimal ustar writer for tests: builds archives GNU tar would refuse to write (".." names, links). */
export interface TarEntry {
  readonly name: string;
  readonly data?: Buffer;
  /** '0' file (default), '5' folder, '2' symlink, '1' hard link; any other flag (e.g. 'L', 'x', 'S') for attacks. */
  readonly type?: string;
  readonly linkname?: string;
  /** The size the header declares (default: the data's length); a lie for attack archives. */
  readonly size?: number;
}

/** A pax extended-header record "<length> <key>=<value>\n" (the length counts itself). */
export function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return Buffer.from(`${len}${body}`);
}

export function makeTar(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const header = Buffer.alloc(512);
    header.write(e.name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write((e.size ?? data.length).toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    header.write('00000000000\0', 136, 'latin1');
    header.write('        ', 148, 'latin1');
    header.write(e.type ?? '0', 156, 'latin1');
    if (e.linkname) header.write(e.linkname, 157, 100, 'utf8');
    header.write('ustar\0', 257, 'latin1');
    header.write('00', 263, 'latin1');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
