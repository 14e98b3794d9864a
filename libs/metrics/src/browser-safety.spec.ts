// The web app imports this library in the browser: its sources must not import Node built-ins or
// any package (no I/O, no dependencies). This scans every non-test source file's imports.
import fs from 'node:fs';
import path from 'node:path';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

describe('browser safety', () => {
  const files = sourceFiles(__dirname);

  it('finds the library sources', () => {
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['index.ts', 'roc.ts', 'pro.ts']));
  });

  it.each(files.map((f) => [path.relative(__dirname, f), f]))('%s imports only sibling modules', (_name, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
    for (const s of specifiers) expect(s).toMatch(/^\.\.?\//);
    expect(text).not.toMatch(/\bprocess\.|\bBuffer\b|__dirname/);
  });
});
