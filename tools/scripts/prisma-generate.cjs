#!/usr/bin/env node
// Generates the Prisma client (apps/api/src/generated/prisma) offline after `npm install`/`npm ci`.
// `prisma generate` only needs the schema engine binary to exist, never to run, and that binary
// cannot be downloaded here; migrations use the WebAssembly engine instead (tools/prisma/).
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const prismaBin = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
if (!existsSync(prismaBin)) {
  console.log('prisma-generate: prisma is not installed (production install without dev tools?); skipping');
  process.exit(0);
}
const placeholderDir = path.join(root, 'node_modules', '.cache', 'defectlab');
const placeholder = path.join(placeholderDir, 'schema-engine-not-used');
mkdirSync(placeholderDir, { recursive: true });
if (!existsSync(placeholder)) writeFileSync(placeholder, 'prisma generate never runs the schema engine\n');

const result = spawnSync(process.execPath, [prismaBin, 'generate'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
