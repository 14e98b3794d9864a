import { scoreHistogram } from '@defectlab/metrics';
import { renderToStaticMarkup } from 'react-dom/server';
import { ScoreHistogram } from './ScoreHistogram';

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

  it('puts "flag nothing" (+Infinity) at the right end with a readable value', () => {
    expect(render(Infinity)).toContain('aria-valuetext="threshold +∞"');
  });
});
