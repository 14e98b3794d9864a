import { ZCreateRunInput } from '../runs/runs.schema';
import { CFA_PRESETS } from './cfa.config';
import { CSFLOW_PRESET_VALUES, ZCsflowConfigInput } from './csflow.config';
import { MODEL_PRESETS, RESOLVED_MODEL_CONFIG_SCHEMAS, modelConfigFields, resolveModelConfig } from './model-config';
import { PATCHCORE_PRESETS } from './patchcore.config';

const VERSION = '00000000-0000-4000-8000-000000000001';

/** The `path` of every issue of a failed parse, joined with dots. */
function issuePaths(body: unknown): string[] {
  const r = ZCreateRunInput.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('ZCreateRunInput (one schema per model kind)', () => {
  it('rejects an out-of-bounds field, an unknown preset, a misspelt key and a config seed, naming the field', () => {
    expect(issuePaths({ kind: 'patchcore', datasetVersionId: VERSION, config: { coresetRatio: -1 } })).toEqual(['config.coresetRatio']);
    expect(issuePaths({ kind: 'patchcore', datasetVersionId: VERSION, config: { preset: 'seed' } })).toEqual(['config.preset']);
    expect(issuePaths({ kind: 'cfa', datasetVersionId: VERSION, config: { gamaD: 2 } })).toEqual(['config']);
    expect(ZCreateRunInput.safeParse({ kind: 'cfa', datasetVersionId: VERSION, config: { gamaD: 2 } }).error?.issues[0].message).toMatch(/gamaD/);
    expect(issuePaths({ kind: 'csflow', datasetVersionId: VERSION, config: { optimizer: { lr: 'fast' } } })).toEqual(['config.optimizer.lr']);
    expect(issuePaths({ kind: 'csflow', datasetVersionId: VERSION, config: { seed: 3 } })).toEqual(['config']);
    expect(issuePaths({ kind: 'csflow', datasetVersionId: VERSION, imageSize: 64 })).toEqual(['']);
    expect(issuePaths({ kind: 'vit', datasetVersionId: VERSION })).toEqual(['kind']);
  });

  it('checks cross-field rules at submission (csflow: one kernel size per block)', () => {
    expect(issuePaths({ kind: 'csflow', datasetVersionId: VERSION, config: { blocks: 3, kernelSizes: [3, 3] } })).toEqual(['config.kernelSizes']);
  });

  it('accepts each kind with its own presets and fills the shared defaults', () => {
    for (const [kind, presets] of Object.entries(MODEL_PRESETS)) {
      for (const preset of presets) {
        const r = ZCreateRunInput.parse({ kind, datasetVersionId: VERSION, config: { preset } });
        expect(r).toMatchObject({ kind, config: { preset }, seed: 0, backbone: 'default', maxAttempts: 2 });
      }
    }
  });
});

describe('resolveModelConfig', () => {
  it('expands the preset, keeps the overrides and applies the run seed; the result passes the strict resolved schema', () => {
    const pc = resolveModelConfig('patchcore', { preset: 'small', coresetRatio: 0.05 }, 7);
    expect(pc).toEqual({ ...PATCHCORE_PRESETS.small, preset: 'small', coresetRatio: 0.05, seed: 7 });
    const cfa = resolveModelConfig('cfa', {}, 0);
    expect(cfa).toEqual({ ...CFA_PRESETS.paper, preset: 'paper', seed: 0 });
    const cs = resolveModelConfig('csflow', { preset: 'small', optimizer: { eps: 1e-8 } }, 1);
    expect(cs).toMatchObject({ inputSize: CSFLOW_PRESET_VALUES.small.inputSize, seed: 1, optimizer: { lr: 2e-3, eps: 1e-8 } });
    for (const [kind, config] of [['csflow', cs], ['patchcore', pc], ['cfa', cfa]] as const) {
      expect(RESOLVED_MODEL_CONFIG_SCHEMAS[kind].parse(config)).toEqual(config);
      // resolving a resolved config changes nothing (the worker may hand it to the library as it is)
      const { seed, ...rest } = config;
      expect(resolveModelConfig(kind, rest, seed)).toEqual(config);
    }
  });

  it('the input schema carries no defaults (a preset value is never hidden by a schema default)', () => {
    expect(ZCsflowConfigInput.parse({})).toEqual({});
    expect(ZCsflowConfigInput.parse({ optimizer: {} })).toEqual({ optimizer: {} });
  });
});

describe('modelConfigFields', () => {
  it('lists every scalar field with the bounds the API enforces', () => {
    const pc = modelConfigFields('patchcore');
    expect(pc.find((f) => f.name === 'coresetRatio')).toEqual({ name: 'coresetRatio', type: 'number', minimum: 0.001, maximum: 1 });
    expect(pc.find((f) => f.name === 'knnEngine')).toEqual({ name: 'knnEngine', type: 'enum', options: ['onnxruntime', 'js'] });
    expect(pc.find((f) => f.name === 'inputSize')).toMatchObject({ type: 'integer', minimum: 16, maximum: 2048 });
    expect(pc.map((f) => f.name)).not.toContain('preset');
    expect(pc.map((f) => f.name)).not.toContain('seed');
    expect(modelConfigFields('cfa').find((f) => f.name === 'amsgrad')).toEqual({ name: 'amsgrad', type: 'boolean' });
    expect(modelConfigFields('csflow').find((f) => f.name === 'topKFraction')).toEqual({ name: 'topKFraction', type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1 });
  });
});
