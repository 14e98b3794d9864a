'use client';

import type { TPredictionRow, TVersionLabel } from '@defectlab/contracts';
import { useEffect, useState } from 'react';
import { formatThreshold, plural } from '../../ui/format';
import { isFlagged } from '../lib/simulation';
import { HeatmapImage } from './HeatmapImage';

export const GRID_PAGE_SIZE = 48;

export interface ImageGridProps {
  readonly rows: readonly TPredictionRow[];
  readonly labels: ReadonlyMap<string, TVersionLabel> | undefined;
  readonly threshold: number;
  readonly showHeatmap: boolean;
  readonly opacity: number;
  readonly selectedId: string | null;
  readonly onSelect: (imageId: string) => void;
}

/** A page of test images (48 at a time, so 5,000 stay smooth) with label, score and verdict. */
export function ImageGrid({ rows, labels, threshold, showHeatmap, opacity, selectedId, onSelect }: ImageGridProps) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(rows.length / GRID_PAGE_SIZE));
  useEffect(() => {
    if (page >= pages) setPage(pages - 1);
  }, [page, pages]);
  const shown = rows.slice(page * GRID_PAGE_SIZE, (page + 1) * GRID_PAGE_SIZE);
  return (
    <section aria-label="Test images">
      <Pager page={page} pages={pages} total={rows.length} onPage={setPage} />
      <ul className="image-grid" data-testid="image-grid">
        {shown.map((r) => {
          const flagged = isFlagged(r.score, threshold);
          const correct = flagged === (r.label === 'defective');
          const label = labels?.get(r.imageId);
          return (
            <li key={r.imageId}>
              <button
                type="button"
                className={`tile ${correct ? 'tile-ok' : 'tile-bad'}`}
                aria-pressed={selectedId === r.imageId}
                onClick={() => onSelect(r.imageId)}
                data-testid="image-tile"
                data-image-id={r.imageId}
              >
                <HeatmapImage
                  sha256={label?.sha256 ?? null}
                  alt={r.relPath}
                  heatmapArtifactId={r.anomalyMapArtifactId}
                  showHeatmap={showHeatmap}
                  opacity={opacity}
                />
                <span className="tile-text">
                  <span>
                    {r.label === 'good' ? 'good' : `defective: ${r.defectType ?? '?'}`}
                  </span>
                  <span>score {formatThreshold(r.score)}</span>
                  <span className={correct ? 'status-ok' : 'status-bad'}>
                    {correct ? '✓' : '✗'} called {flagged ? 'defective' : 'good'}
                    {!correct && (r.label === 'defective' ? ' (miss)' : ' (overkill)')}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {rows.length === 0 && <p className="muted">No image matches this filter at this threshold.</p>}
    </section>
  );
}

/** Page buttons as compact arrows (named for screen readers), so the bar fits a narrow column without wrapping. */
export function Pager({ page, pages, total, onPage }: { page: number; pages: number; total: number; onPage: (p: number) => void }) {
  return (
    <nav className="pager" aria-label="Pages" data-testid="pager">
      <button type="button" onClick={() => onPage(0)} disabled={page === 0} aria-label="First page" title="First page">
        «
      </button>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page === 0} aria-label="Previous page" title="Previous page">
        ‹
      </button>
      <span aria-live="polite" className="pager-where">
        page {page + 1} of {pages} ({plural(total, 'image')})
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={page >= pages - 1} aria-label="Next page" title="Next page">
        ›
      </button>
      <button type="button" onClick={() => onPage(pages - 1)} disabled={page >= pages - 1} aria-label="Last page" title="Last page">
        »
      </button>
    </nav>
  );
}
