import { confusionAtThreshold } from '@defectlab/metrics';
import { renderToStaticMarkup } from 'react-dom/server';
import { FiguresPanel } from './FiguresPanel';

describe('FiguresPanel', () => {
  it('shows libs/metrics figures as percentages with their exact values and the confusion counts', () => {
    const m = confusionAtThreshold([0.1, 0.4, 0.5, 0.9, 0.2, 0.8], [0, 0, 1, 1, 0, 0], 0.45);
    const html = renderToStaticMarkup(<FiguresPanel m={m} />);
    // 0 of 2 defective missed; 1 of 4 good (0.8) rejected
    expect(html).toContain('data-testid="sim-miss" data-value="0">0.00 %');
    expect(html).toContain('data-testid="sim-overkill" data-value="0.25">25.00 %');
    expect(html).toContain('data-testid="cm-fp">FP (overkill) 1<');
    expect(html).toContain('data-testid="cm-tn">TN 3<');
  });

  it('writes n/a for a rate without a denominator', () => {
    const m = confusionAtThreshold([0.1, 0.4], [0, 0], 0.3);
    expect(renderToStaticMarkup(<FiguresPanel m={m} />)).toContain('data-value="null">n/a');
  });
});
