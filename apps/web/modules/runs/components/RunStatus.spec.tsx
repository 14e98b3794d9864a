import type { TRun } from '@defectlab/contracts';
import { renderToStaticMarkup } from 'react-dom/server';
import { RunStatus } from './RunStatus';

const base = { status: 'running', progress: { phase: 'train', epoch: 3, epochs: 4, step: null, steps: null, loss: 0.5, throughput: null, etaSeconds: 65, message: null, at: '2026-11-29T10:00:00.000Z' } } as unknown as TRun;

describe('RunStatus', () => {
  it('shows status in words, the phase, progress and the ETA while running', () => {
    const html = renderToStaticMarkup(<RunStatus run={base} />);
    expect(html).toContain('data-status="running"');
    expect(html).toContain('running');
    expect(html).toContain('aria-label="progress 75 %"');
    expect(html).toContain('ETA 1 min 05 s');
  });

  it('shows a finished run without progress', () => {
    const html = renderToStaticMarkup(<RunStatus run={{ ...base, status: 'failed' }} />);
    expect(html).toContain('failed');
    expect(html).not.toContain('<progress');
  });
});
