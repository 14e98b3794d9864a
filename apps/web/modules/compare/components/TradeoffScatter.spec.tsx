import { renderToStaticMarkup } from 'react-dom/server';
import { tradeoff } from '../lib/tradeoff';
import { TradeoffScatter } from './TradeoffScatter';

const targets = { maxMissRate: 0.005, maxOverkillRate: 0.3, maxCost: 100e6 };
const data = tradeoff(
  [
    { index: 1, label: 'csflow seed', cost: 370e6, overkillRate: 0.12, missRate: 0.004 },
    { index: 2, label: 'fastflow small', cost: 5.6e6, overkillRate: 0.28, missRate: 0 },
    { index: 3, label: 'cfa small', cost: 60e6, overkillRate: 0.4, missRate: 0 },
    { index: 4, label: 'patchcore', cost: null, overkillRate: 0.1, missRate: 0 },
  ],
  targets,
);

describe('TradeoffScatter', () => {
  it('draws one point per measured run, the Pareto front, the target region and rings the cheapest run meeting the targets', () => {
    const html = renderToStaticMarkup(<TradeoffScatter title="size vs overkill" xLabel="size" data={data} colors={['#a', '#b', '#c', '#d']} targets={targets} formatCost={(v) => `${v / 1e6} MB`} testId="t" />);
    expect(html.match(/data-testid="tradeoff-point"/g)).toHaveLength(3);
    expect(html.match(/data-on-front="true"/g)).toHaveLength(2); // #2 (small) and #1 (low overkill); #3 is dominated by #2
    expect(html).toMatch(/<path d="M[\d.]+,[\d.]+H[\d.]+V[\d.]+"[^>]*data-testid="pareto-front"/);
    expect(html).toContain('<title>fastflow small: 5.6 MB, overkill 28 % (on the Pareto front)</title>');
    expect(html).toContain('<title>target region: overkill ≤ 30 %, size ≤ 100 MB (and miss ≤ 0.5 %)</title>');
    expect(html).toContain('data-testid="target-region"');
    expect(html).toContain('data-testid="tradeoff-best"');
    expect(html).toContain('Cheapest meeting the miss and overkill targets: #2 (5.6 MB).');
    expect(html).toContain('Not plotted (not measured): #4.');
  });

  it('without targets draws no region and names no best run', () => {
    const html = renderToStaticMarkup(<TradeoffScatter title="latency" xLabel="latency" data={tradeoff([{ index: 1, label: 'a', cost: 20, overkillRate: 0.2, missRate: 0 }], null)} colors={['#a']} targets={null} formatCost={(v) => `${v} ms`} testId="l" />);
    expect(html).not.toContain('target-region');
    expect(html).not.toContain('tradeoff-best');
    expect(html.match(/data-testid="tradeoff-point"/g)).toHaveLength(1);
  });
});
