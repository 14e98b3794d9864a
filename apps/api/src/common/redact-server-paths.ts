import os from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../config/app-config';

/** A server folder and the placeholder that stands for it in answers. */
export interface ServerPath {
  readonly path: string;
  readonly label: string;
}

/**
 * The server folders an answer must not reveal (data folder, artifact store, import and export roots, the
 * PGlite folder, the temporary folder, the working directory), each with a placeholder. Longest first, so a
 * folder inside another is replaced by its own label.
 */
export function serverPathsOf(config: AppConfig): ServerPath[] {
  const list: ServerPath[] = [
    { path: config.dataDir, label: '<data dir>' },
    { path: config.storage.artifactsDir, label: '<artifact store>' },
    { path: config.storage.exportRoot, label: '<export root>' },
    ...config.storage.importRoots.map((r) => ({ path: r, label: '<import root>' })),
    ...(config.database.kind === 'pglite' ? [{ path: config.database.dataDir, label: '<database dir>' }] : []),
    { path: os.tmpdir(), label: '<tmp>' },
    { path: process.cwd(), label: '<app dir>' },
  ];
  const seen = new Set<string>();
  return list
    .map((p) => ({ path: path.resolve(p.path), label: p.label }))
    .filter((p) => p.path !== path.parse(p.path).root && !seen.has(p.path) && seen.add(p.path))
    .sort((a, b) => b.path.length - a.path.length);
}

/** `text` with every occurrence of a server folder replaced by its placeholder. */
export function redactServerPaths(text: string, paths: readonly ServerPath[]): string {
  let out = text;
  for (const p of paths) out = out.split(p.path).join(p.label);
  return out;
}
