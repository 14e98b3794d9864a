import { ZLabelChangeProposal, type TLabelChangeProposal } from '@defectlab/contracts';
import { isNoop, proposalFor, UNKNOWN_DEFECT_TYPE, upsertPending } from './pending';

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
    expect(proposalFor('defective', id, defective, 'r', '')?.defectType).toBe('scratch');
    expect(proposalFor('uncertain', id, defective, 'r', '')).toMatchObject({ value: 'defective', defectType: 'scratch', uncertain: true });
  });

  it('never records a defect type the curator did not choose: defective on an image without one needs a pick', () => {
    expect(proposalFor('defective', id, good, 'looks scratched', '')).toBeNull();
    expect(proposalFor('defective', id, good, 'cannot tell which', UNKNOWN_DEFECT_TYPE)).toMatchObject({ value: 'defective', defectType: 'unknown' });
  });

  it('keeps one change per image and spots no-ops', () => {
    const a = { imageId: id, relPath: 'a', from: defective, proposal: proposalFor('good', id, defective, 'x', '') as TLabelChangeProposal };
    const b = { ...a, proposal: proposalFor('uncertain', id, defective, 'y', '') as TLabelChangeProposal };
    expect(upsertPending(upsertPending([], a), b)).toEqual([b]);
    expect(isNoop(defective, proposalFor('defective', id, defective, 'r', '') as TLabelChangeProposal)).toBe(true);
    expect(isNoop(defective, proposalFor('good', id, defective, 'r', '') as TLabelChangeProposal)).toBe(false);
  });
});
