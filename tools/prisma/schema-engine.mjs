// Loads Prisma's schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm), without the
// Prisma CLI's binary engine (which cannot be downloaded here). Node 20 cannot import a `.wasm`
// module, so the module is instantiated by hand and handed to the wasm-bindgen glue.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** @returns {Promise<typeof import('@prisma/schema-engine-wasm')>} */
export async function loadSchemaEngineModule() {
  const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  const glue = await import(path.join(pkgDir, 'schema_engine_bg.js'));
  const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start?.();
  return glue;
}

/**
 * Creates a schema engine bound to a driver-adapter factory (PGlite or pg).
 * @param {string} schemaText contents of schema.prisma
 * @param {import('@prisma/driver-adapter-utils').SqlMigrationAwareDriverAdapterFactory} adapterFactory
 */
export async function createSchemaEngine(schemaText, adapterFactory) {
  const { SchemaEngine } = await loadSchemaEngineModule();
  const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');
  const logs = [];
  const engine = await SchemaEngine.new(
    { datamodels: [['schema.prisma', schemaText]] },
    (line) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
  return { engine, logs };
}
