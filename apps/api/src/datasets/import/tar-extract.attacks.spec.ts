import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { makeTar, paxRecord } from '../../../test/support/tar-writer';
import { ArchiveError, extractTarArchive } from './tar-extract';

/** Generous bound for one archive of a few KiB to a few MiB; a quadratic parser or a hang exceeds it by far. */
const PER_CASE_MS = 15_000;
const limits = { maxBytes: 4 << 20, maxEntries: 1000 };

describe('extractTarArchive under attack', () => {
  let dir: string;
  let n = 0;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tar-attack-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Extracts `buf` with a deadline; resolves with the outcome (never rejects, unless the deadline passes). */
  const outcome = async (buf: Uint8Array): Promise<{ ok: boolean; err?: unknown }> => {
    const id = ++n;
    const file = path.join(dir, `a-${id}.tar`);
    writeFileSync(file, buf);
    const out = path.join(dir, `out-${id}`);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PER_CASE_MS} ms`)), PER_CASE_MS);
    });
    try {
      await Promise.race([extractTarArchive(file, out, limits), deadline]);
      return { ok: true };
    } catch (err) {
      if ((err as Error).message.startsWith('no answer within')) throw err;
      return { ok: false, err };
    } finally {
      clearTimeout(timer);
      rmSync(file, { force: true });
      rmSync(out, { recursive: true, force: true });
    }
  };
  /** A coded archive error (the API answers 400 or 413), never another exception. */
  const expectArchiveError = (r: { ok: boolean; err?: unknown }) => {
    expect(r.ok).toBe(false);
    expect(r.err).toBeInstanceOf(ArchiveError);
    expect(['INVALID_ARCHIVE', 'UNSAFE_ARCHIVE_ENTRY', 'UPLOAD_TOO_LARGE']).toContain((r.err as ArchiveError).code);
  };
  const expectOkOrArchiveError = (r: { ok: boolean; err?: unknown }) => {
    if (!r.ok) expectArchiveError(r);
  };

  it(
    'refuses at once a pax header that declares 1 GiB, even when gzip hides 64 MiB behind 65 KB',
    async () => {
      const tar = Buffer.concat([makeTar([{ name: 'PaxHeader/a', type: 'x', size: 1 << 30 }]).subarray(0, 512), Buffer.alloc(64 << 20)]);
      const gz = gzipSync(tar, { level: 9 });
      expect(gz.length).toBeLessThan(100 * 1024);
      expectArchiveError(await outcome(gz));
    },
    PER_CASE_MS,
  );

  it(
    'refuses a GNU long name or a pax path longer than 4096 bytes',
    async () => {
      const longName = Buffer.from(`train/good/${'a'.repeat(1 << 20)}.png\0`);
      const viaL = await outcome(makeTar([{ name: '././@LongLink', type: 'L', data: longName }, { name: 'x.png', data: Buffer.from('x') }]));
      expectArchiveError(viaL);
      expect((viaL.err as Error).message).toContain('longer than 4096 bytes');
      const viaPax = await outcome(makeTar([{ name: 'PaxHeader/x', type: 'x', data: paxRecord('path', `train/good/${'b'.repeat(5000)}.png`) }, { name: 'x.png', data: Buffer.from('x') }]));
      expectArchiveError(viaPax);
      const bigPax = await outcome(makeTar([{ name: 'PaxHeader/x', type: 'x', data: paxRecord('comment', 'c'.repeat(200_000)) }, { name: 'x.png', data: Buffer.from('x') }]));
      expectArchiveError(bigPax);
      expect((bigPax.err as Error).message).toContain('pax extended header larger than');
    },
    PER_CASE_MS,
  );

  it(
    'refuses unknown type flags, devices, fifos and sparse files',
    async () => {
      for (const type of ['3', '4', '6', 'S', 'V', 'Z']) {
        expectArchiveError(await outcome(makeTar([{ name: 'a.png', type, data: Buffer.from('x') }, { name: 'b.png', data: Buffer.from('x') }])));
      }
    },
    6 * PER_CASE_MS,
  );

  it(
    'refuses a gzip bomb of headers (many pax headers, no files) by the decompressed-size bound',
    async () => {
      const one = makeTar([{ name: 'PaxHeader/x', type: 'x', data: paxRecord('comment', 'z'.repeat(60_000)) }]).subarray(0, -1024);
      const bomb = gzipSync(Buffer.concat(Array.from({ length: 600 }, () => one)), { level: 9 });
      expectArchiveError(await outcome(bomb));
    },
    PER_CASE_MS,
  );

  const valid = makeTar([
    { name: 'train/', type: '5' },
    { name: 'train/good/a.png', data: Buffer.alloc(1500, 7) },
    { name: '././@LongLink', type: 'L', data: Buffer.from(`train/good/${'l'.repeat(150)}.png\0`) },
    { name: 'train/good/ignored-short-name', data: Buffer.from('long named') },
    { name: 'PaxHeader/p', type: 'x', data: paxRecord('path', `test/good/${'p'.repeat(120)}.png`) },
    { name: 'test/good/ignored', data: Buffer.alloc(700, 3) },
  ]);

  it('extracts the well-formed archive the fuzz cases start from', async () => {
    expect(await outcome(valid)).toEqual({ ok: true });
    expect(await outcome(gzipSync(valid))).toEqual({ ok: true });
  });

  it(
    'ends every random byte string (plain or gzipped) in a coded archive error',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4096 }), fc.boolean(), async (bytes, gz) => {
          expectArchiveError(await outcome(gz ? gzipSync(bytes) : bytes));
        }),
      );
    },
    20 * PER_CASE_MS,
  );

  it(
    'ends every truncated or corrupted copy of a valid archive in success or a coded archive error',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: valid.length }),
          fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
          fc.boolean(),
          async (cut, flips, gz) => {
            const bytes = Buffer.from(valid.subarray(0, cut));
            for (const [at, value] of flips) if (at < bytes.length) bytes[at] = value;
            const r = await outcome(gz ? gzipSync(bytes) : bytes);
            expectOkOrArchiveError(r);
            // cut inside the last file's data: the archive cannot be complete
            if (cut < 512 * 9 && flips.length === 0) expectArchiveError(r);
          },
        ),
      );
    },
    20 * PER_CASE_MS,
  );

  it(
    'ends every crafted long-name / pax archive (lying sizes, junk records) in success or a coded archive error',
    async () => {
      const record = fc.oneof(
        fc.tuple(fc.constantFrom('path', 'size', 'linkpath', 'comment', 'x'), fc.string({ maxLength: 300 })).map(([k, v]) => paxRecord(k, v)),
        fc.string({ maxLength: 40 }).map((s) => Buffer.from(s)),
        fc.integer({ min: -1_000_000, max: 1_000_000 }).map((len) => Buffer.from(`${len} path=x\n`)),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('x', 'g', 'L', 'K'),
          fc.array(record, { maxLength: 6 }),
          fc.option(fc.integer({ min: 0, max: 2 ** 33 - 1 })),
          fc.boolean(),
          async (type, records, declared, gz) => {
            const data = Buffer.concat(records);
            const tar = makeTar([{ name: 'meta', type, data, size: declared ?? undefined }, { name: 'train/good/a.png', data: Buffer.from('png') }]);
            expectOkOrArchiveError(await outcome(gz ? gzipSync(tar) : tar));
          },
        ),
      );
    },
    20 * PER_CASE_MS,
  );
});
