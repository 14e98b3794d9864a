import { scoreHistogram } from '@defectlab/metrics';
import { renderToStaticMarkup } from 'react-dom/server';
import { ScoreHistogram, scoreTicks } from './ScoreHistogram';

describe('ScoreHistogram', () => {
  const h = scoreHistogram([0.1, 0.2, 0.25, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 0], { bins: 4 });
  const render = (threshold: number) =>
    renderToStaticMarkup(<ScoreHistogram histogram={h} threshold={threshold} reference={0.5} onChange={() => undefined} onStep={() => undefined} />);

  it('is a keyboard-focusable slider carrying the exact threshold', () => {
    const html = render(0.45);
    expect(html).toContain('role="slider"');
    expect(html).toContain('tabindex="0"');
    expect(html).toContain('aria-label="Threshold"');
    expect(html).toContain('data-threshold="0.45"');
    expect(html).toContain('aria-valuemin="0.1"');
    expect(html).toContain('aria-valuemax="0.9"');
  });

  it('draws one good and one (hatched) defective bar per bin, and says what the shading means', () => {
    const html = render(0.45);
    expect(html.match(/class="bar-good"/g)).toHaveLength(4);
    expect(html.match(/fill="url\(#hatch\)"/g)).toHaveLength(4);
    expect(html).toContain('defective (hatched)');
    expect(html).toContain('flagged defective');
  });

  it('has a count axis with whole-number ticks and rounded score ticks (d3-scale)', () => {
    const html = render(0.45);
    const counts = [...html.matchAll(/class="count-tick">.*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(counts[0]).toBe('0');
    expect(counts.every((c) => /^\d+$/.test(c))).toBe(true);
    expect(Number(counts[counts.length - 1])).toBeGreaterThanOrEqual(2); // the tallest bin holds 2 images
    const scores = [...html.matchAll(/class="x-tick">.*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(scores).toEqual(['0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9']);
    expect(html).toContain('images per bin');
  });

  it('puts "flag nothing" (+Infinity) at the right end with a readable value', () => {
    expect(render(Infinity)).toContain('aria-valuetext="threshold +∞"');
  });
});

describe('ScoreHistogram on degenerate score ranges', () => {
  const draw = (scores: number[], threshold: number) =>
    renderToStaticMarkup(
      <ScoreHistogram histogram={scoreHistogram(scores, scores.map((_, i) => i % 2), { bins: 4 })} threshold={threshold} onChange={() => undefined} onStep={() => undefined} />,
    );

  it.each([
    ['wider than the largest double', [-1e308, 0, 1e308], 1e308],
    ['one subnormal step wide', [0, 5e-324], 5e-324],
    ['a single huge value', [1e20, 1e20], 1e20],
  ])('a range %s draws every bar, tick and the threshold at finite positions', (_name, scores, threshold) => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const html = draw(scores, threshold);
      expect(html).not.toMatch(/NaN|Infinity/);
      expect(html.match(/class="bar-good"/g)).toHaveLength(4);
      expect(errors).not.toHaveBeenCalled(); // e.g. React's duplicate-key warning for equal tick values
    } finally {
      errors.mockRestore();
    }
  });
});

describe('scoreTicks', () => {
  it('falls back to the two ends where no decimal step exists', () => {
    expect(scoreTicks(-1e308, 1e308).map((t) => t.value)).toEqual([-1e308, 1e308]);
    expect(scoreTicks(0, 5e-324).map((t) => t.value)).toEqual([0, 5e-324]);
    expect(scoreTicks(2, 2)).toHaveLength(1);
  });
});
