import type { TArtifact } from '@defectlab/contracts';
import { groupArtifacts } from './artifact-groups';

const art = (i: number, kind: TArtifact['kind']): TArtifact => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  runId: null,
  kind,
  sha256: 'a'.repeat(64),
  bytes: 10 * i,
  contentType: 'application/octet-stream',
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
});

describe('groupArtifacts', () => {
  it('lists 19 checkpoints as one entry (the newest, with the count) and keeps the other artifacts', () => {
    const items = [art(0, 'weights'), ...Array.from({ length: 19 }, (_, i) => art(i + 1, 'checkpoint')), art(30, 'onnx')];
    const g = groupArtifacts(items);
    expect(g.map((e) => [e.latest.kind, e.count])).toEqual([
      ['weights', 1],
      ['checkpoint', 19],
      ['onnx', 1],
    ]);
    expect(g[1].latest.id).toBe(art(19, 'checkpoint').id);
  });
});
