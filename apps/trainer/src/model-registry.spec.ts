import { PRESETS } from '@defectlab/csflow';
import { PATCHCORE_PRESETS } from '@defectlab/patchcore';
import { UserError } from './user-error';
import { modelEntry, pickPatchcoreLayers, registeredKinds, resolveUserConfig } from './model-registry';

const RESNET = { layers: [{ name: 'stage1', stride: 4 }, { name: 'stage2_act', stride: 8 }, { name: 'stage3_act', stride: 16 }] };
const MOBILENET = {
  layers: [
    { name: 'block_2_add', stride: 4 },
    { name: 'block_5_add', stride: 8 },
    { name: 'block_6_expand_relu', stride: 8 },
    { name: 'block_12_add', stride: 16 },
    { name: 'out_relu', stride: 32 },
  ],
  defaultLayers: ['block_5_add', 'block_12_add', 'out_relu'],
};

describe('model registry', () => {
  it('registers the kinds whose libraries export a model', () => {
    expect(registeredKinds()).toEqual(['csflow', 'patchcore', 'cfa', 'fastflow', 'cflow']);
  });

  it('names unknown and unimplemented kinds', () => {
    expect(() => modelEntry('resnet')).toThrow(new UserError('unknown model "resnet"; available: csflow, patchcore, cfa, fastflow, cflow'));
  });

  it('rejects an invalid config naming the field (the CLI path; the API answers 400 with the same schema)', () => {
    expect(() => resolveUserConfig('csflow', { epochs: -1 }, 0)).toThrow(/invalid csflow config: config\.epochs: /);
    expect(() => resolveUserConfig('csflow', { optimizer: { lr: 'fast' } }, 0)).toThrow(/config\.optimizer\.lr/);
    expect(() => resolveUserConfig('patchcore', { coresetRatio: 2 }, 0)).toThrow(/invalid patchcore config: config\.coresetRatio/);
    expect(() => resolveUserConfig('patchcore', { preset: 'huge' }, 0)).toThrow(/config\.preset/);
    expect(() => resolveUserConfig('cfa', { K: 0 }, 0)).toThrow(/invalid cfa config: config\.K/);
    expect(() => resolveUserConfig('cfa', { gamaD: 2 }, 0)).toThrow(/gamaD/);
    expect(() => resolveUserConfig('fastflow', { hiddenRatio: 0 }, 0)).toThrow(/invalid fastflow config: config\.hiddenRatio/);
    expect(() => resolveUserConfig('fastflow', { scoreMode: 'median' }, 0)).toThrow(/config\.scoreMode/);
    expect(() => resolveUserConfig('cflow', { conditionDim: 130 }, 0)).toThrow(/invalid cflow config: config\.conditionDim/);
    expect(() => resolveUserConfig('cflow', { fiberBatch: 64 }, 0)).toThrow(/fiberBatch/);
  });

  it('takes the image size into inputSize unless the config sets it, and the seed from the run', () => {
    expect(resolveUserConfig('patchcore', { preset: 'small' }, 4, 128)).toMatchObject({ inputSize: 128, seed: 4 });
    expect(resolveUserConfig('patchcore', { preset: 'small', inputSize: 96 }, 4, 128)).toMatchObject({ inputSize: 96 });
    expect(resolveUserConfig('cfa', {}, 0)).toMatchObject({ inputSize: 224 });
  });

  it('keeps the cfa stages on the ResNet and takes the three finest taps of another backbone', () => {
    const config = resolveUserConfig('cfa', { preset: 'small' }, 3);
    const onResnet = modelEntry('cfa').bindToBackbone(config, RESNET);
    expect(onResnet.config.layers).toEqual(['stage1', 'stage2_act', 'stage3_act']);
    expect(onResnet.config.seed).toBe(3);
    const onMobile = modelEntry('cfa').bindToBackbone(config, MOBILENET);
    expect(onMobile.config.layers).toEqual(['block_2_add', 'block_5_add', 'block_6_expand_relu']);
    expect(onMobile.notes[0]).toMatch(/three finest taps/);
  });

  it('keeps the fastflow / cflow stages on the ResNet and takes as many finest taps of another backbone', () => {
    for (const kind of ['fastflow', 'cflow'] as const) {
      const small = resolveUserConfig(kind, { preset: 'small', scoreMode: 'topk' }, 3);
      expect(small).toMatchObject({ scoreMode: 'topk', seed: 3, inputSize: 128 });
      expect(modelEntry(kind).bindToBackbone(small, RESNET).config.layers).toEqual(['stage1', 'stage2_act']);
      const onMobile = modelEntry(kind).bindToBackbone(small, MOBILENET);
      expect(onMobile.config.layers).toEqual(['block_2_add', 'block_5_add']);
      expect(onMobile.notes[0]).toMatch(/2 finest taps/);
      expect(modelEntry(kind).bindToBackbone(resolveUserConfig(kind, {}, 0), MOBILENET).config.layers).toEqual(['block_2_add', 'block_5_add', 'block_6_expand_relu']);
    }
  });

  it('expands the csflow preset with the user keys on top, applies the seed and binds without changing it', () => {
    const config = resolveUserConfig('csflow', { preset: 'small', epochs: 3, optimizer: { lr: 1e-3 } }, 5);
    expect(config).toMatchObject({
      preset: 'small',
      featureChannels: PRESETS.small.featureChannels,
      hiddenChannels: PRESETS.small.hiddenChannels,
      inputSize: PRESETS.small.inputSize,
      epochs: 3,
      seed: 5,
    });
    expect((config.optimizer as { lr: number; eps: number }).lr).toBe(1e-3);
    expect((config.optimizer as { lr: number; eps: number }).eps).toBe(1e-4);
    expect(modelEntry('csflow').bindToBackbone(config, RESNET)).toEqual({ config, notes: [] });
  });

  it('keeps patchcore preset layers on a backbone that has them, adapts them otherwise, and refuses chosen layers it lacks', () => {
    const small = resolveUserConfig('patchcore', { preset: 'small' }, 2);
    const onResnet = modelEntry('patchcore').bindToBackbone(small, RESNET);
    expect(onResnet.config.layers).toEqual(PATCHCORE_PRESETS.small.layers);
    expect(onResnet.notes).toEqual([]);
    const onMobile = modelEntry('patchcore').bindToBackbone(small, MOBILENET);
    expect(onMobile.config.layers).toEqual(['block_5_add', 'block_12_add']);
    expect(onMobile.config.seed).toBe(2);
    expect(onMobile.notes[0]).toMatch(/not in this backbone/);
    const explicit = modelEntry('patchcore').bindToBackbone(resolveUserConfig('patchcore', { layers: ['out_relu'] }, 0), MOBILENET);
    expect(explicit.config.layers).toEqual(['out_relu']);
    expect(() => modelEntry('patchcore').bindToBackbone(resolveUserConfig('patchcore', { layers: ['nope'] }, 0), MOBILENET)).toThrow(/config\.layers: nope not in this backbone/);
  });

  it('picks stride-8 and stride-16 taps, preferring default layers', () => {
    expect(pickPatchcoreLayers(MOBILENET)).toEqual(['block_5_add', 'block_12_add']);
    expect(pickPatchcoreLayers(RESNET)).toEqual(['stage2_act', 'stage3_act']);
    expect(pickPatchcoreLayers({ layers: [{ name: 'a', stride: 2 }, { name: 'b', stride: 4 }, { name: 'c', stride: 32 }] })).toEqual(['a', 'b']);
  });
});
