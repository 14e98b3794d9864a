import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
});
