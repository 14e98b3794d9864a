import type { TBenchModelResult } from '@defectlab/contracts';
import { fullPlan, quickPlan } from './plan';
import { tradeoffTable } from './tradeoff-table';

/** A model result with only what the trade-off table reads (the rest of the report is irrelevant here). */
function result(id: string, headMb: number | null, p50: number | null, overkill: number | null, miss = 0): TBenchModelResult {
  return {
    id,
    dataset: id.split('/')[0],
    status: 'ok',
    size: headMb === null ? null : { headBytes: headMb * 2 ** 20, exportBytes: headMb * 2 ** 20 + 90 * 2 ** 20, exportIncludesBackbone: true, backboneBytes: 90 * 2 ** 20 },
    inference: p50 === null ? null : { withBackbone: { p50, p95: p50 * 1.2, mean: p50, n: 10 } },
    accuracy: overkill === null ? null : { missAtMost05Percent: { overkillRate: overkill, missRate: miss } },
  } as unknown as TBenchModelResult;
}

describe('the bench trade-off table', () => {
  it('marks the Pareto fronts of size and latency vs overkill per data set, and the target verdict with the reason', () => {
    const md = tradeoffTable([
      result('mt/csflow-seed', 370, 80, 0.12),
      result('mt/fastflow-small', 5.6, 20, 0.28),
      result('mt/cfa-small', 60, 30, 0.4),
      result('mt/cflow-small', 12, 25, 0.5, 0.02),
      result('demo/patchcore-small', null, null, null),
    ]).join('\n');
    expect(md).toContain('| mt/csflow-seed | 370.0 MB | 460.0 MB | 80.0 | 12.0 % | 0.0 % | yes | yes | no (size, latency) |');
    expect(md).toContain('| mt/fastflow-small | 5.6 MB | 95.6 MB | 20.0 | 28.0 % | 0.0 % | yes | yes | yes |');
    expect(md).toContain('| mt/cfa-small | 60.0 MB | 150.0 MB | 30.0 | 40.0 % | 0.0 % | no | no | no (rates) |');
    expect(md).toContain('| mt/cflow-small | 12.0 MB | 102.0 MB | 25.0 | 50.0 % | 2.0 % | no | no | no (rates) |');
    expect(md).toContain('| demo/patchcore-small | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a |');
    expect(md.indexOf('mt:')).toBeLessThan(md.indexOf('demo:'));
  });
});

describe('the bench plans', () => {
  it('run FastFlow and CFlow-AD: every preset in the full plan, the small preset (shortened) in --quick', () => {
    const full = fullPlan().magneticTileModels.filter((m) => m.model === 'fastflow' || m.model === 'cflow');
    expect(full.map((m) => `${m.model}-${m.preset}`)).toEqual(['fastflow-small', 'fastflow-seed', 'fastflow-paper', 'cflow-small', 'cflow-seed', 'cflow-paper']);
    const quick = quickPlan();
    for (const list of [quick.magneticTileModels, quick.demoModels]) {
      expect(list.filter((m) => m.model === 'fastflow' || m.model === 'cflow').map((m) => [m.model, m.preset, m.imageSize])).toEqual([
        ['fastflow', 'small', 128],
        ['cflow', 'small', 128],
      ]);
    }
    expect(quick.magneticTileModels.find((m) => m.model === 'fastflow')?.reductions[0]).toMatch(/epochs 2/);
  });
});

describe('the trade-off table header', () => {
  it('states the targets in the units of the table, with the byte limit as given', () => {
    expect(tradeoffTable([])[0]).toContain('size <= 95.4 MB (100,000,000 bytes), p50 <= 50 ms');
  });
});
