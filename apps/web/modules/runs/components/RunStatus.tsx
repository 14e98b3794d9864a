import type { TRun } from '@defectlab/contracts';
import { formatDuration } from '../../ui/format';

const ICON: Record<TRun['status'], string> = { queued: '…', running: '▶', succeeded: '✓', failed: '✗', cancelled: '■' };

/** Status in words and a symbol (never colour alone), with progress and ETA while running. */
export function RunStatus({ run }: { run: TRun }) {
  const p = run.progress;
  const fraction =
    p && p.epochs && p.epoch !== null ? Math.min(1, p.epoch / p.epochs) : p && p.steps && p.step !== null ? Math.min(1, p.step / p.steps) : null;
  return (
    <span className={`run-status status-${run.status}`} data-testid="run-status" data-status={run.status}>
      <span aria-hidden="true">{ICON[run.status]}</span> {run.status}
      {run.status === 'running' && p && (
        <>
          {' '}
          <span className="muted small">{p.phase}</span>
          {fraction !== null && (
            <progress max={1} value={fraction} aria-label={`progress ${Math.round(fraction * 100)} %`}>
              {Math.round(fraction * 100)} %
            </progress>
          )}
          {p.etaSeconds !== null && <span className="muted small"> ETA {formatDuration(p.etaSeconds)}</span>}
        </>
      )}
    </span>
  );
}
