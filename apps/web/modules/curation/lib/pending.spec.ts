import { ZLabelChangeProposal } from '@defectlab/contracts';
import { isNoop, proposalFor, upsertPending } from './pending';

const id = '00000000-0000-4000-8000-000000000001';
const defective = { value: 'defective' as const, defectType: 'scratch', maskSha256: null, uncertain: false };
const good = { value: 'good' as const, defectType: null, maskSha256: null, uncertain: false };

describe('pending label changes', () => {
  it('makes proposals the API schema accepts', () => {
    for (const p of [
      proposalFor('good', id, defective, 'clean', ''),
      proposalFor('defective', id, good, 'scratch seen', 'scratch'),
      proposalFor('uncertain', id, defective, 'cannot tell', ''),
    ]) {
      expect(ZLabelChangeProposal.safeParse(p).success).toBe(true);
    }
    expect(proposalFor('defective', id, defective, 'r', '').defectType).toBe('scratch');
    expect(proposalFor('uncertain', id, defective, 'r', '')).toMatchObject({ value: 'defective', defectType: 'scratch', uncertain: true });
  });

  it('keeps one change per image and spots no-ops', () => {
    const a = { imageId: id, relPath: 'a', from: defective, proposal: proposalFor('good', id, defective, 'x', '') };
    const b = { ...a, proposal: proposalFor('uncertain', id, defective, 'y', '') };
    expect(upsertPending(upsertPending([], a), b)).toEqual([b]);
    expect(isNoop(defective, proposalFor('defective', id, defective, 'r', ''))).toBe(true);
    expect(isNoop(defective, proposalFor('good', id, defective, 'r', ''))).toBe(false);
  });
});
