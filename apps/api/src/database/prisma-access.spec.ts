import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The API's feature pattern, checked on the source: Prisma calls live in `<feature>.repository.ts` files (and
 * the wiring that opens the database and runs start-up housekeeping); services and everything else go through
 * a repository. Repositories return data or null and never throw a feature's coded errors: services decide them.
 */
const SRC = path.resolve(__dirname, '..');

/** Files allowed to hold the Prisma client besides repositories: opening the database, and the app wiring. */
const WIRING = new Set(['database/database.ts', 'app.factory.ts']);

/** `prisma.x`, `.prisma`, `$transaction`, or the client class: what reaching the client looks like. */
const PRISMA_CLIENT_USE = /\bprisma\s*\.\s*[$\w]|\.prisma\b|\$transaction\b|\bPrismaClient\b/;
/** An import of a feature's coded errors (`<feature>.errors.ts`) or of AppError itself. */
const ERRORS_IMPORT = /from\s+'[^']*(\.errors|\/app-error)'/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path.relative(SRC, full).split(path.sep).join('/')] : [];
  });
}

/** Source without comments, so a doc comment that names `prisma.x` is not a call. */
function code(file: string): string {
  return readFileSync(path.join(SRC, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const isRepository = (file: string) => file.endsWith('.repository.ts');

describe('Prisma access in apps/api/src', () => {
  const files = sourceFiles(SRC);

  it('recognises a client call and leaves type-only uses alone', () => {
    expect(PRISMA_CLIENT_USE.test('await this.db.prisma.run.findMany({})')).toBe(true);
    expect(PRISMA_CLIENT_USE.test('const p = db.prisma;')).toBe(true);
    expect(PRISMA_CLIENT_USE.test('await prisma.$transaction([])')).toBe(true);
    expect(PRISMA_CLIENT_USE.test("import type { PrismaClient } from '../generated/prisma/client';")).toBe(true);
    expect(PRISMA_CLIENT_USE.test("import type { Prisma } from '../generated/prisma/client';\nconst w: Prisma.RunWhereInput = {};")).toBe(false);
    expect(ERRORS_IMPORT.test("import { RunsError } from './runs.errors';")).toBe(true);
    expect(ERRORS_IMPORT.test("import { AppError } from '../errors/app-error';")).toBe(true);
  });

  it('reads the whole tree, repositories included', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter(isRepository).filter((f) => PRISMA_CLIENT_USE.test(code(f))).length).toBeGreaterThanOrEqual(10);
  });

  it('only repositories and the wiring reach the Prisma client', () => {
    const offenders = files.filter((f) => !isRepository(f) && !WIRING.has(f) && PRISMA_CLIENT_USE.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it('repositories answer data or null: no coded errors thrown from them', () => {
    expect(files.filter((f) => isRepository(f) && ERRORS_IMPORT.test(code(f)))).toEqual([]);
  });
});
