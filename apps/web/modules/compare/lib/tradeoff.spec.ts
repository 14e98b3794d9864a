import { tradeoff, type TradeoffInput } from './tradeoff';

const run = (index: number, cost: number | null, overkillRate: number | null, missRate: number | null = 0): TradeoffInput => ({ index, label: `#${index}`, cost, overkillRate, missRate });
const TARGETS = { maxMissRate: 0.005, maxOverkillRate: 0.3 };

describe('size / latency vs overkill trade-off', () => {
  it('marks the Pareto front and orders it by cost', () => {
    const t = tradeoff([run(1, 180e6, 0.1), run(2, 140e6, 0.35), run(3, 6e6, 0.25), run(4, 400e6, 0.05)], TARGETS);
    expect(t.front.map((p) => p.index)).toEqual([3, 1, 4]);
    expect(t.points.find((p) => p.index === 2)?.onFront).toBe(false);
  });

  it('names the cheapest run that meets the miss and overkill targets, within the cost limit', () => {
    const inputs = [run(1, 180e6, 0.1), run(2, 6e6, 0.25, 0.02), run(3, 40e6, 0.28), run(4, 90e6, 0.2)];
    expect(tradeoff(inputs, TARGETS).best?.index).toBe(3);
    expect(tradeoff(inputs, { ...TARGETS, maxCost: 30e6 }).best).toBeNull();
    expect(tradeoff(inputs, null).best).toBeNull();
    expect(tradeoff(inputs, null).points.every((p) => p.meetsRates === null)).toBe(true);
  });

  it('lists runs without a cost or an overkill instead of placing them', () => {
    const t = tradeoff([run(1, null, 0.1), run(2, 5e6, null), run(3, 0, 0.2), run(4, 5e6, 0.2)], TARGETS);
    expect(t.points.map((p) => p.index)).toEqual([4]);
    expect(t.missing.map((p) => p.index)).toEqual([1, 2, 3]);
  });
});
