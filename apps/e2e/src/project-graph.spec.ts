import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importClosure } from './import-closure';
import { REPO_ROOT } from './platform-process';

interface ProjectGraphFile {
  graph: {
    nodes: Record<string, { type: string; data: { tags?: string[] } }>;
    dependencies: Record<string, { target: string; type: string }[]>;
  };
}

/** The Nx project graph as `nx graph` computes it from the real imports of every project. */
function projectGraph(): ProjectGraphFile['graph'] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'defectlab-graph-'));
  try {
    const file = path.join(dir, 'graph.json');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'graph', `--file=${file}`], {
      cwd: REPO_ROOT,
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      stdio: 'pipe',
    });
    return (JSON.parse(readFileSync(file, 'utf8')) as ProjectGraphFile).graph;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the Nx project graph', () => {
  const graph = projectGraph();
  const apps = new Set(Object.entries(graph.nodes).filter(([, n]) => n.type === 'app' || n.type === 'e2e').map(([name]) => name));
  const edges = Object.entries(graph.dependencies).flatMap(([source, deps]) => deps.map((d) => ({ source, target: d.target })));

  it('knows the apps and libraries of the workspace', () => {
    expect([...apps].sort()).toEqual(['api', 'e2e', 'trainer', 'web']);
    expect(Object.keys(graph.nodes)).toEqual(expect.arrayContaining(['contracts', 'metrics', 'csflow']));
  });

  it('has no app depending on an app and no library depending on an app', () => {
    expect(edges.filter((e) => apps.has(e.target))).toEqual([]);
  });

  it('keeps the web app and the API away from model code', () => {
    const modelLibs = new Set(Object.entries(graph.nodes).filter(([, n]) => n.data.tags?.includes('type:model')).map(([name]) => name));
    expect(edges.filter((e) => (e.source === 'web' || e.source === 'api') && modelLibs.has(e.target))).toEqual([]);
  });

  it('tags every project with a scope, tools and the platform launcher included', () => {
    const untagged = Object.entries(graph.nodes).filter(([, n]) => !n.data.tags?.some((t) => t.startsWith('scope:'))).map(([name]) => name);
    expect(untagged).toEqual([]);
    expect(graph.nodes.platform?.data.tags).toEqual(expect.arrayContaining(['scope:tools']));
    expect(graph.nodes.bench?.data.tags).toEqual(expect.arrayContaining(['scope:tools']));
  });
});

/** The tsconfig.base.json aliases, as absolute files. */
function aliases(): Record<string, string> {
  const base = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  return Object.fromEntries(Object.entries(base.compilerOptions.paths).map(([k, v]) => [k, path.join(REPO_ROOT, v[0])]));
}

/** The non-test TypeScript sources of an app (generated clients and build output left out). */
function appSources(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.tsx?$/.test(d.name) && !/\.(spec|e2e-spec|integration-spec)\.tsx?$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name))
    .filter((f) => !/[/\\](node_modules|\.next|generated|test)[/\\]/.test(path.relative(REPO_ROOT, f)));
}

describe('the runtime import closure (transitive, type-only imports aside)', () => {
  const modelLibs = ['csflow', 'patchcore', 'cfa'].map((l) => `${path.join(REPO_ROOT, 'libs', l)}${path.sep}`);
  for (const app of ['apps/api/src', 'apps/web']) {
    it(`reaches neither onnxruntime-node nor any model library from ${app}`, () => {
      const closure = importClosure(appSources(app), aliases());
      const rel = (chain: readonly string[] | undefined) => chain?.map((f) => path.relative(REPO_ROOT, f)).join(' -> ');
      expect(closure.files.size).toBeGreaterThan(20);
      expect(rel(closure.packages.get('onnxruntime-node'))).toBeUndefined();
      expect(rel(closure.packages.get('onnxruntime-web'))).toBeUndefined();
      const model = [...closure.files].find((f) => modelLibs.some((m) => f.startsWith(m)));
      expect(model && rel(closure.chainTo(model))).toBeUndefined();
    });
  }

  // Issue 15: the product trains and serves on onnxruntime only. TensorFlow.js remains a dev dependency for
  // the reference in tools/bench/tfjs-reference (parity specs, tfjs-wasm train-step timing) and for one spec,
  // libs/backbones/src/nsfwjs/keras-to-onnx.spec.ts, that checks our Keras-to-ONNX conversion against TF.js.
  it('reaches no TensorFlow.js package, nor nsfwjs (whose entry loads TF.js), from any app or library', () => {
    const libs = readdirSync(path.join(REPO_ROOT, 'libs'), { withFileTypes: true }).filter((d) => d.isDirectory());
    const sources = [...['apps/api/src', 'apps/web', 'apps/trainer/src'].flatMap(appSources), ...libs.flatMap((d) => appSources(path.join('libs', d.name, 'src')))];
    const closure = importClosure(sources, aliases());
    const rel = (chain: readonly string[]) => chain.map((f) => path.relative(REPO_ROOT, f)).join(' -> ');
    const tfjs = [...closure.packages].filter(([name]) => name.startsWith('@tensorflow/') || name === 'nsfwjs').map(([name, chain]) => `${name} via ${rel(chain)}`);
    expect(closure.files.has(path.join(REPO_ROOT, 'libs', 'csflow', 'src', 'train.ts'))).toBe(true);
    expect(tfjs).toEqual([]);
  });
});
