import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importClosure, packageName, valueImports } from './import-closure';

describe('valueImports', () => {
  it('keeps runtime imports and drops type-only ones', () => {
    const src = [
      "import type { A } from 'type-only';",
      "import { type B, type C } from 'all-type-names';",
      "import { type D, e } from 'mixed';",
      "import f from 'default';",
      "import 'side-effect';",
      "export * from 'reexport';",
      "export type { G } from 'type-reexport';",
      "const h = require('required');",
      "const i = import('dynamic');",
    ].join('\n');
    expect(valueImports('x.ts', src)).toEqual(['mixed', 'default', 'side-effect', 'reexport', 'required', 'dynamic']);
  });

  it('names packages with and without a scope', () => {
    expect(packageName('@nestjs/core/lib/x')).toBe('@nestjs/core');
    expect(packageName('onnxruntime-node')).toBe('onnxruntime-node');
  });
});

describe('importClosure', () => {
  it('follows relative imports and aliases transitively and records the chain to each package', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'closure-'));
    try {
      mkdirSync(path.join(dir, 'lib'));
      writeFileSync(path.join(dir, 'app.ts'), "import { x } from './mid';\nimport type { T } from 'typed-pkg';");
      writeFileSync(path.join(dir, 'mid.ts'), "export { y as x } from '@lib/one';");
      writeFileSync(path.join(dir, 'lib', 'index.ts'), "import 'deep-pkg';\nexport const y = 1;");
      const c = importClosure([path.join(dir, 'app.ts')], { '@lib/one': path.join(dir, 'lib', 'index.ts') });
      expect(c.packages.get('deep-pkg')?.map((f) => path.relative(dir, f))).toEqual(['app.ts', 'mid.ts', path.join('lib', 'index.ts')]);
      expect(c.packages.has('typed-pkg')).toBe(false);
      expect(c.files.size).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
