import { initialRunGroupForm, toGroupSubmission } from './run-group-form';

const VERSION = '00000000-0000-4000-8000-000000000001';

describe('toGroupSubmission', () => {
  const form = { ...initialRunGroupForm('fastflow'), datasetVersionId: VERSION };

  it('gives the body and the number of runs of a valid grid', () => {
    const r = toGroupSubmission({ ...form, grid: '{"flowSteps":[2,4],"cropMode":["none","regular"]}' });
    expect(r).toEqual({ ok: true, runs: 4, body: expect.objectContaining({ kind: 'fastflow', grid: { flowSteps: [2, 4], cropMode: ['none', 'regular'] }, baseConfig: { preset: 'small' } }) });
  });

  it('refuses an unknown option and an out-of-range value naming them, and bad JSON', () => {
    expect(toGroupSubmission({ ...form, grid: '{"hiddenRatoi":[1]}' })).toEqual({ ok: false, errors: { grid: 'hiddenRatoi: unknown fastflow option "hiddenRatoi"' } });
    const r = toGroupSubmission({ ...form, grid: '{"flowSteps":[0]}' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors['grid']).toMatch(/^flowSteps: .*value 0/);
    expect(toGroupSubmission({ ...form, grid: '{"flowSteps":' })).toEqual({ ok: false, errors: { grid: 'not valid JSON' } });
    expect(toGroupSubmission({ ...form, datasetVersionId: '' }).ok).toBe(false);
  });
});
