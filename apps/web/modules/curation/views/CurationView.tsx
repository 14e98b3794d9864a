'use client';

import { ApiRequestError, type TLabelState, type TVersionLabel } from '@defectlab/contracts';
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useAuth } from '../../auth/hooks/useAuth';
import { useCommitLabelChanges, useDatasets, useImageHistory, useReviewQueue, useVersionLabels } from '../../datasets/hooks/useDatasets';
import { usePredictions } from '../../evaluations/hooks/useEvaluation';
import { useEvaluationsOfRuns, useRuns } from '../../runs/hooks/useRuns';
import { latestEvaluation } from '../../runs/lib/run-summary';
import { Pager } from '../../simulator/components/ImageGrid';
import { HeatmapFilterDefs, HeatmapImage } from '../../simulator/components/HeatmapImage';
import { formatDateTime, formatThreshold } from '../../ui/format';
import { isNoop, proposalFor, UNKNOWN_DEFECT_TYPE, upsertPending, type Decision, type PendingChange } from '../lib/pending';
import { describeReasons } from '../lib/review-reasons';
import { plural } from '../../ui/format';

interface QueueEntry {
  readonly imageId: string;
  readonly relPath: string;
  readonly label: TLabelState;
  readonly why: string;
}

function labelText(l: TLabelState): string {
  return `${l.value === 'good' ? 'good' : `defective (${l.defectType ?? '?'})`}${l.uncertain ? ', uncertain' : ''}`;
}

/** The curation desk: ambiguity queue, a large image view with shortcuts, pending tray, commit. */
export function CurationView() {
  const auth = useAuth();
  const datasets = useDatasets();
  const [datasetId, setDatasetId] = useState<string | null>(null);
  const dataset = datasets.data?.find((d) => d.id === datasetId) ?? datasets.data?.[0] ?? null;
  const [baseVersionId, setBaseVersionId] = useState<string | null>(null);
  useEffect(() => {
    if (dataset && !baseVersionId) setBaseVersionId(dataset.headVersion.id);
  }, [dataset, baseVersionId]);
  const [source, setSource] = useState<'queue' | 'all'>('queue');
  const [page, setPage] = useState(0);
  const queue = useReviewQueue(source === 'queue' ? baseVersionId : null, page + 1);
  const labels = useVersionLabels(baseVersionId);
  const [selected, setSelected] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingChange[]>([]);
  const [reason, setReason] = useState('');
  const [defectType, setDefectType] = useState('');
  const [zoom, setZoom] = useState(1);
  const [showMask, setShowMask] = useState(true);
  const [note, setNote] = useState<string | null>(null);
  const commit = useCommitLabelChanges();
  const [result, setResult] = useState<string | null>(null);
  const [thumbHeat, setThumbHeat] = useState(false);
  const heat = useLatestHeatmaps(dataset?.id ?? null);

  const entries: QueueEntry[] = useMemo(() => {
    if (source === 'queue') {
      return (queue.data?.items ?? []).map((i) => ({
        imageId: i.imageId,
        relPath: i.relPath,
        label: i.label,
        why: describeReasons(i.reasons),
      }));
    }
    const all = [...(labels.data?.values() ?? [])].sort((a, b) => a.relPath.localeCompare(b.relPath));
    return all.slice(page * 50, page * 50 + 50).map((l) => ({ imageId: l.imageId, relPath: l.relPath, label: l, why: l.split }));
  }, [source, queue.data, labels.data, page]);
  const total = source === 'queue' ? (queue.data?.total ?? 0) : (labels.data?.size ?? 0);
  const current = selected ? (labels.data?.get(selected) ?? null) : null;
  const defectTypes = useMemo(
    () => [...new Set([...(labels.data?.values() ?? [])].map((l) => l.defectType).filter((t): t is string => !!t && t !== UNKNOWN_DEFECT_TYPE))].sort(),
    [labels.data],
  );
  // the pick list starts at the image's own defect type (if it has one)
  useEffect(() => setDefectType(current?.defectType ?? ''), [current?.imageId, current?.defectType]);

  const decide = (d: Decision) => {
    if (!current) return;
    if (!reason.trim()) {
      setNote('Give a reason first (every change is audited).');
      return;
    }
    const proposal = proposalFor(d, current.imageId, current, reason.trim(), defectType);
    if (!proposal) {
      setNote(`Choose the defect type first (or “${UNKNOWN_DEFECT_TYPE}” if none fits).`);
      return;
    }
    if (isNoop(current, proposal)) {
      setNote(`That is already the label of ${current.relPath}.`);
      return;
    }
    setNote(null);
    setPending((p) => upsertPending(p, { imageId: current.imageId, relPath: current.relPath, from: current, proposal }));
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const map: Record<string, Decision> = { g: 'good', d: 'defective', u: 'uncertain' };
    const d = map[e.key.toLowerCase()];
    if (d && auth.can('curator')) {
      e.preventDefault();
      decide(d);
    } else if (e.key === '+' || e.key === '=') setZoom((z) => Math.min(4, z * 2));
    else if (e.key === '-') setZoom((z) => Math.max(1, z / 2));
    else if (e.key === 'm') setShowMask((m) => !m);
  };
  const doCommit = (allowRebase: boolean) => {
    if (!baseVersionId || pending.length === 0) return;
    setResult(null);
    commit.mutate(
      { versionId: baseVersionId, body: { allowRebase, note: `curation desk: ${plural(pending.length, 'change')}`, changes: pending.map((p) => p.proposal) } },
      {
        onSuccess: (r) => {
          setResult(`Committed ${plural(r.changes.length, 'change')} as version ${r.version.number}${r.rebasedOnto ? ` (on top of version ${r.rebasedOnto.number})` : ''}.`);
          setPending([]);
          setBaseVersionId(r.version.id);
        },
      },
    );
  };
  const conflict = commit.error instanceof ApiRequestError && commit.error.status === 409 ? commit.error : null;

  return (
    <div className="stack">
      <HeatmapFilterDefs />
      <header className="page-header">
        <h1>Curation</h1>
        <label>
          Dataset{' '}
          <select
            value={dataset?.id ?? ''}
            onChange={(e) => {
              setDatasetId(e.target.value);
              setBaseVersionId(datasets.data?.find((d) => d.id === e.target.value)?.headVersion.id ?? null);
              setPending([]);
              setSelected(null);
            }}
          >
            {datasets.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.productLine})
              </option>
            ))}
          </select>
        </label>
        <span data-testid="base-version">
          working on version {labels.data ? (dataset?.headVersion.id === baseVersionId ? dataset?.headVersion.number : 'older') : '…'}
        </span>
      </header>
      {!datasets.isPending && !dataset && <p className="card">No dataset yet.</p>}
      <div className="curation">
        <section className="card" aria-label="Images to review">
          <div className="toolbar">
            <label>
              List{' '}
              <select
                value={source}
                onChange={(e) => {
                  setSource(e.target.value as 'queue' | 'all');
                  setPage(0);
                }}
                data-testid="curation-source"
              >
                <option value="queue">ambiguity queue</option>
                <option value="all">all images</option>
              </select>
            </label>
            <label>
              <input type="checkbox" checked={thumbHeat} onChange={(e) => setThumbHeat(e.target.checked)} data-testid="thumb-heatmaps" /> heatmaps
            </label>
          </div>
          <Pager page={page} pages={Math.max(1, Math.ceil(total / 50))} total={total} onPage={setPage} />
          {source === 'queue' && queue.data && queue.data.items.length === 0 && (
            <p className="muted">Nothing ambiguous ({queue.data.evaluationsConsidered} evaluations considered). Switch to all images.</p>
          )}
          <ul className={thumbHeat ? 'queue' : 'queue thumbs-heat-on-hover'} data-testid="queue">
            {entries.map((e) => (
              <li key={e.imageId}>
                <button type="button" data-testid="queue-item" className="queue-item" aria-current={selected === e.imageId} onClick={() => setSelected(e.imageId)}>
                  <span className="queue-thumb" data-testid="queue-thumb">
                    <HeatmapImage
                      sha256={labels.data?.get(e.imageId)?.sha256 ?? null}
                      alt=""
                      heatmapArtifactId={heat.get(e.imageId) ?? null}
                      showHeatmap
                      opacity={0.5}
                    />
                  </span>
                  <span className="queue-text">
                    <strong>{e.relPath}</strong>
                    <span className="small">{labelText(e.label)}</span>
                    <span className="muted small" data-testid="queue-why">
                      {e.why}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <div className="stack">
          {current ? (
            <ImagePanel
              label={current}
              datasetId={dataset?.id as string}
              zoom={zoom}
              setZoom={setZoom}
              showMask={showMask}
              setShowMask={setShowMask}
              onKey={onKey}
            />
          ) : (
            <p className="card muted">Choose an image on the left.</p>
          )}
          {current && auth.can('curator') && (
            <section className="card" aria-label="Decision">
              <div className="toolbar">
                <label>
                  Reason <input value={reason} onChange={(e) => setReason(e.target.value)} size={40} />
                </label>
                <label>
                  Defect type{' '}
                  <select value={defectType} onChange={(e) => setDefectType(e.target.value)} data-testid="defect-type">
                    <option value="">choose (needed for “defective”)</option>
                    {defectTypes.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                    <option value={UNKNOWN_DEFECT_TYPE}>unknown (none of these)</option>
                  </select>
                </label>
                <button type="button" onClick={() => decide('good')}>
                  Good <kbd>g</kbd>
                </button>
                <button type="button" onClick={() => decide('defective')}>
                  Defective <kbd>d</kbd>
                </button>
                <button type="button" onClick={() => decide('uncertain')}>
                  Uncertain <kbd>u</kbd>
                </button>
              </div>
              {note && (
                <p role="alert" className="status-warn">
                  {note}
                </p>
              )}
              <p className="muted small">
                Focus the image and press <kbd>g</kbd> good, <kbd>d</kbd> defective, <kbd>u</kbd> uncertain, <kbd>+</kbd>/<kbd>-</kbd> zoom, <kbd>m</kbd> mask.
              </p>
            </section>
          )}
          {current && <LabelHistory imageId={current.imageId} />}
          <section className="card" aria-label="Pending changes">
            <h2>Pending changes ({pending.length})</h2>
            <ul>
              {pending.map((p) => (
                <li key={p.imageId} data-testid="pending-change">
                  {p.relPath}: {labelText(p.from)} → {labelText({ value: p.proposal.value, defectType: p.proposal.defectType ?? null, maskSha256: null, uncertain: p.proposal.uncertain ?? false })}{' '}
                  <span className="muted small">“{p.proposal.reason}”</span>{' '}
                  <button type="button" className="link-button" onClick={() => setPending((l) => l.filter((x) => x.imageId !== p.imageId))}>
                    remove
                  </button>
                </li>
              ))}
            </ul>
            {auth.can('curator') && (
              <button type="button" className="primary" disabled={pending.length === 0 || commit.isPending} onClick={() => doCommit(false)}>
                Commit {plural(pending.length, 'change')} as a new version
              </button>
            )}
            {result && (
              <p role="status" className="status-ok" data-testid="commit-result">
                {result}
              </p>
            )}
            {conflict && (
              <div role="alert" className="status-bad" data-testid="commit-conflict">
                <p>This version is no longer the newest: {conflict.body.message}</p>
                {conflict.body.issues && (
                  <ul>
                    {conflict.body.issues.slice(0, 20).map((i) => (
                      <li key={i.path}>
                        {i.path}: {i.message}
                      </li>
                    ))}
                  </ul>
                )}
                <button type="button" onClick={() => doCommit(true)}>
                  Apply on top of the newest version (only if none of these images changed)
                </button>{' '}
                <button
                  type="button"
                  onClick={() => {
                    setBaseVersionId(dataset?.headVersion.id ?? null);
                    commit.reset();
                  }}
                >
                  Reload the newest version
                </button>
              </div>
            )}
            {commit.isError && !conflict && (
              <p role="alert" className="status-bad">
                {commit.error.message}
              </p>
            )}
          </section>
        </div>
      </div>
    </div>
  );
}

function ImagePanel({
  label,
  datasetId,
  zoom,
  setZoom,
  showMask,
  setShowMask,
  onKey,
}: {
  label: TVersionLabel;
  datasetId: string;
  zoom: number;
  setZoom: (z: number) => void;
  showMask: boolean;
  setShowMask: (m: boolean) => void;
  onKey: (e: KeyboardEvent<HTMLDivElement>) => void;
}) {
  const heat = useLatestHeatmap(datasetId, label.imageId);
  const [showHeat, setShowHeat] = useState(true);
  return (
    <section className="card" aria-label="Image">
      <h2>{label.relPath}</h2>
      <p className="small">
        Label: <strong>{labelText(label)}</strong> · {label.split} · {label.width}×{label.height}
      </p>
      <div className="toolbar">
        <span role="group" aria-label="Zoom">
          {[1, 2, 4].map((z) => (
            <button key={z} type="button" aria-pressed={zoom === z} onClick={() => setZoom(z)}>
              {z}×
            </button>
          ))}
        </span>
        <label>
          <input type="checkbox" checked={showMask} onChange={(e) => setShowMask(e.target.checked)} disabled={!label.maskSha256} /> defect mask
          {!label.maskSha256 && <span className="muted small"> (none)</span>}
        </label>
        <label>
          <input type="checkbox" checked={showHeat} onChange={(e) => setShowHeat(e.target.checked)} disabled={!heat?.artifactId} /> heatmap of the latest evaluation
          {heat && <span className="muted small"> ({heat.what}{heat.artifactId ? '' : ', no map stored'})</span>}
        </label>
      </div>
      <div className="viewer" tabIndex={0} onKeyDown={onKey} data-testid="curation-image" aria-label={`${label.relPath}; keys g, d, u decide, + and - zoom, m mask`}>
        <HeatmapImage
          sha256={label.sha256}
          alt={label.relPath}
          heatmapArtifactId={heat?.artifactId ?? null}
          showHeatmap={showHeat}
          opacity={0.45}
          maskSha256={label.maskSha256}
          showMask={showMask}
          zoom={zoom}
        />
      </div>
    </section>
  );
}

/**
 * The anomaly map and score of one image from the newest evaluation of any run on this dataset
 * (scores and maps do not depend on labels, so a run trained on an older version still applies).
 */
function useLatestHeatmap(datasetId: string, imageId: string): { artifactId: string | null; what: string } | null {
  const runs = useRuns({ status: 'succeeded' });
  const mine = useMemo(() => (runs.data?.items ?? []).filter((r) => r.datasetVersion.datasetId === datasetId), [runs.data, datasetId]);
  const evals = useEvaluationsOfRuns(mine);
  const latest = latestEvaluation([...evals.values()].flat());
  const preds = usePredictions(latest?.id ?? null, 'test');
  if (!latest) return null;
  const p = preds.data?.find((x) => x.imageId === imageId);
  const run = mine.find((r) => r.id === latest.runId);
  return { artifactId: p?.anomalyMapArtifactId ?? null, what: `${run?.kind ?? 'model'}${p ? `, score ${formatThreshold(p.score)}` : ', not scored'}` };
}

/** Image id -> anomaly map artifact of the newest evaluation of any run on this dataset (for the queue's thumbnails). */
function useLatestHeatmaps(datasetId: string | null): Map<string, string> {
  const runs = useRuns({ status: 'succeeded' });
  const mine = useMemo(() => (runs.data?.items ?? []).filter((r) => r.datasetVersion.datasetId === datasetId), [runs.data, datasetId]);
  const evals = useEvaluationsOfRuns(mine);
  const latest = latestEvaluation([...evals.values()].flat());
  const preds = usePredictions(latest?.id ?? null, 'test');
  return useMemo(() => new Map((preds.data ?? []).filter((p) => p.anomalyMapArtifactId).map((p) => [p.imageId, p.anomalyMapArtifactId as string])), [preds.data]);
}

function LabelHistory({ imageId }: { imageId: string }) {
  const history = useImageHistory(imageId);
  if (!history.data) return null;
  const h = history.data;
  return (
    <section className="card" aria-label="Label history">
      <h2>History</h2>
      <ol>
        <li>
          v{h.imported.version.number}: imported as {labelText(h.imported)}
        </li>
        {h.changes.map((c) => (
          <li key={c.id}>
            v{c.resultVersion.number}: {labelText(c.from)} → {labelText(c.to)} by {c.author.name}, {formatDateTime(c.createdAt)}: “{c.reason}”
          </li>
        ))}
      </ol>
    </section>
  );
}
