import fc from 'fast-check';
import { ZCreateRunGroupInput } from './run-groups.schema';
import { expandGrid, gridSize, sweepIssues } from './sweep-grid';

const grid = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.array(fc.oneof(fc.integer(), fc.constant(0), fc.string(), fc.boolean()), { minLength: 0, maxLength: 4 }), { maxKeys: 4 });

describe('expandGrid', () => {
  it('has gridSize points, each with exactly the grid options and a value from each option’s list', () => {
    fc.assert(
      fc.property(grid, (g) => {
        const points = expandGrid(g);
        expect(points).toHaveLength(gridSize(g));
        const keys = Object.keys(g).sort();
        for (const p of points) {
          expect(Object.keys(p).sort()).toEqual(keys);
          for (const k of keys) expect(g[k]).toContainEqual(p[k]);
        }
      }),
    );
  });

  it('lists every combination exactly once when the values are distinct (the first option varies slowest)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { maxLength: 4 }), fc.uniqueArray(fc.string(), { maxLength: 4 }), (a, b) => {
        const points = expandGrid({ a, b });
        expect(points).toEqual(a.flatMap((x) => b.map((y) => ({ a: x, b: y }))));
        expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(a.length * b.length);
      }),
    );
  });

  it('an empty grid is one empty point', () => {
    expect(expandGrid({})).toEqual([{}]);
    expect(gridSize({})).toBe(1);
  });
});

describe('sweepIssues', () => {
  it('accepts a grid of valid options for every point', () => {
    expect(sweepIssues('fastflow', { preset: 'small' }, { hiddenRatio: [0.125, 0.5], flowSteps: [2, 4], cropMode: ['none', 'random'], scoreMode: ['mean', 'std'] })).toEqual([]);
  });

  it('names an unknown option and an out-of-range value under grid.<option>, and a bad base field under baseConfig', () => {
    const issues = sweepIssues('fastflow', { preset: 'tiny' }, { hiddenRatoi: [1], flowSteps: [4, 0] });
    expect(issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['grid.hiddenRatoi', 'grid.flowSteps', 'baseConfig.preset']));
    expect(issues.find((i) => i.path.join('.') === 'grid.hiddenRatoi')?.message).toMatch(/unknown fastflow option "hiddenRatoi"/);
    expect(issues.find((i) => i.path.join('.') === 'grid.flowSteps')?.message).toMatch(/value 0/);
  });

  it('reports a cross-field rule of the resolver (csflow: one kernel size per block) on the grid option', () => {
    const issues = sweepIssues('csflow', { kernelSizes: [3, 3, 3, 5] }, { blocks: [4, 2] });
    expect(issues.map((i) => i.path.join('.'))).toEqual(['baseConfig.kernelSizes']);
  });
});

describe('ZCreateRunGroupInput', () => {
  const base = { kind: 'cfa', datasetVersionId: '00000000-0000-4000-8000-000000000000' } as const;
  it('fills defaults and accepts a valid grid', () => {
    const v = ZCreateRunGroupInput.parse({ ...base, grid: { gammaD: [1, 8] } });
    expect(v).toMatchObject({ baseConfig: {}, confirm: false, seed: 0, backbone: 'default' });
  });
  it.each([
    [{ grid: {} }, 'grid'],
    [{ grid: { gammaD: [] } }, 'grid.gammaD'],
    [{ grid: { gammaD: [0] } }, 'grid.gammaD'],
    [{ grid: { bogus: [1] } }, 'grid.bogus'],
    [{ kind: 'nope', grid: { gammaD: [1] } }, 'kind'],
    [{ grid: { a: Array(64).fill(1), b: Array(64).fill(1) } }, 'grid'],
  ])('refuses %j naming %s', (extra, path) => {
    const r = ZCreateRunGroupInput.safeParse({ ...base, ...extra });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
