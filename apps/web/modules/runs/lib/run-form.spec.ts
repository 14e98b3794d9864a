import { PATCHCORE_PRESETS } from '@defectlab/contracts';
import { formFields, initialRunForm, presetsOf, toSubmission } from './run-form';

const VERSION = '00000000-0000-4000-8000-000000000001';

describe('the New-run form, generated from the model config schema', () => {
  it('offers each model its own presets, and every scalar field with its bounds and the preset value', () => {
    expect(presetsOf('csflow')).toEqual(['paper', 'seed', 'small']);
    expect(presetsOf('patchcore')).toEqual(['paper', 'small']);
    const fields = formFields('patchcore', 'small');
    expect(fields.find((f) => f.name === 'coresetRatio')).toMatchObject({ type: 'number', range: '0.001 to 1', presetValue: String(PATCHCORE_PRESETS.small.coresetRatio) });
    expect(fields.find((f) => f.name === 'targetDim')).toMatchObject({ type: 'integer', presetValue: String(PATCHCORE_PRESETS.small.targetDim) });
    expect(formFields('patchcore', 'paper').find((f) => f.name === 'targetDim')?.presetValue).toBe(String(PATCHCORE_PRESETS.paper.targetDim));
    expect(fields.find((f) => f.name === 'knnEngine')).toMatchObject({ type: 'enum', options: ['onnxruntime', 'js'] });
    expect(formFields('csflow', 'small').find((f) => f.name === 'topKFraction')?.range).toBe('> 0 to 1');
  });

  it('offers FastFlow and CFlow-AD with their presets and their shrinking and score options', () => {
    expect(presetsOf('fastflow')).toEqual(['paper', 'seed', 'small']);
    expect(presetsOf('cflow')).toEqual(['paper', 'seed', 'small']);
    const ff = formFields('fastflow', 'small');
    expect(ff.find((f) => f.name === 'hiddenRatio')).toMatchObject({ type: 'number', presetValue: '0.125' });
    expect(ff.find((f) => f.name === 'flowSteps')).toMatchObject({ type: 'integer', presetValue: '4' });
    expect(ff.find((f) => f.name === 'scoreMode')).toMatchObject({ type: 'enum', options: ['mean', 'std', 'max', 'topk'], presetValue: 'max' });
    const cf = formFields('cflow', 'paper');
    expect(cf.find((f) => f.name === 'conditionDim')).toMatchObject({ type: 'integer', presetValue: '128' });
    expect(cf.find((f) => f.name === 'couplingBlocks')).toMatchObject({ presetValue: '8' });
    const bad = toSubmission({ ...initialRunForm('cflow'), datasetVersionId: VERSION, fields: { fiberFraction: '2' } });
    expect(!bad.ok && Object.keys(bad.errors)).toEqual(['fiberFraction']);
  });

  it('submits only the fields given, on top of the preset', () => {
    const r = toSubmission({ ...initialRunForm('patchcore'), datasetVersionId: VERSION, fields: { coresetRatio: '0.05', targetDim: '' } });
    expect(r).toEqual({ ok: true, body: { kind: 'patchcore', datasetVersionId: VERSION, backbone: 'default', seed: 0, config: { preset: 'small', coresetRatio: 0.05 } } });
  });

  it('names the field the API would reject, before sending', () => {
    const r = toSubmission({ ...initialRunForm('patchcore'), datasetVersionId: VERSION, fields: { coresetRatio: '-1' } });
    expect(r.ok).toBe(false);
    expect(!r.ok && Object.keys(r.errors)).toEqual(['coresetRatio']);
    const typo = toSubmission({ ...initialRunForm('cfa'), datasetVersionId: VERSION, extra: '{"gamaD": 2}' });
    expect(!typo.ok && typo.errors.config).toMatch(/gamaD/);
    const noVersion = toSubmission(initialRunForm('csflow'));
    expect(!noVersion.ok && Object.keys(noVersion.errors)).toEqual(['datasetVersionId']);
    expect(toSubmission({ ...initialRunForm('csflow'), extra: '[1]' })).toEqual({ ok: false, errors: { config: 'further overrides must be a JSON object' } });
  });
});
