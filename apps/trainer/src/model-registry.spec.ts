import { PRESETS } from '@defectlab/csflow';
import { PATCHCORE_PRESETS } from '@defectlab/patchcore';
import { UserError } from './cli/user-error';
import { modelEntry, pickPatchcoreLayers, registeredKinds } from './model-registry';

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
    expect(registeredKinds()).toEqual(['csflow', 'patchcore', 'cfa']);
  });

  it('names unknown and unimplemented kinds', () => {
    expect(() => modelEntry('resnet')).toThrow(new UserError('unknown model "resnet"; available: csflow, patchcore, cfa'));
  });

  it('rejects an invalid config naming the field', () => {
    expect(() => modelEntry('csflow').resolveConfig({ epochs: -1 }, undefined, RESNET)).toThrow(/invalid csflow config: config\.epochs: /);
    expect(() => modelEntry('csflow').resolveConfig({ optimizer: { lr: 'fast' } }, undefined, RESNET)).toThrow(/config\.optimizer\.lr/);
    expect(() => modelEntry('patchcore').resolveConfig({ coresetRatio: 2 }, undefined, RESNET)).toThrow(/invalid patchcore config: config\.coresetRatio/);
    expect(() => modelEntry('patchcore').resolveConfig({ preset: 'huge' }, undefined, RESNET)).toThrow(/config\.preset/);
    expect(() => modelEntry('cfa').resolveConfig({ K: 0 }, undefined, RESNET)).toThrow(/invalid cfa config: config\.K/);
  });

  it('keeps the cfa stages on the ResNet and takes the three finest taps of another backbone', () => {
    const onResnet = modelEntry('cfa').resolveConfig({ preset: 'small' }, 3, RESNET);
    expect(onResnet.config.layers).toEqual(['stage1', 'stage2_act', 'stage3_act']);
    expect(onResnet.config.seed).toBe(3);
    const onMobile = modelEntry('cfa').resolveConfig({ preset: 'small' }, undefined, MOBILENET);
    expect(onMobile.config.layers).toEqual(['block_2_add', 'block_5_add', 'block_6_expand_relu']);
    expect(onMobile.notes[0]).toMatch(/three finest taps/);
  });

  it('expands the csflow preset with the user keys on top, and applies the seed', () => {
    const { config } = modelEntry('csflow').resolveConfig({ preset: 'small', epochs: 3, optimizer: { lr: 1e-3 } }, 5, RESNET);
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
    expect(modelEntry('csflow').defaultImageSize(config)).toBe(PRESETS.small.inputSize);
  });

  it('keeps patchcore preset layers on a backbone that has them and adapts them otherwise', () => {
    const onResnet = modelEntry('patchcore').resolveConfig({ preset: 'small' }, undefined, RESNET);
    expect(onResnet.config.layers).toEqual(PATCHCORE_PRESETS.small.layers);
    expect(onResnet.notes).toEqual([]);
    const onMobile = modelEntry('patchcore').resolveConfig({ preset: 'small' }, 2, MOBILENET);
    expect(onMobile.config.layers).toEqual(['block_5_add', 'block_12_add']);
    expect(onMobile.config.seed).toBe(2);
    expect(onMobile.notes[0]).toMatch(/not in this backbone/);
    const explicit = modelEntry('patchcore').resolveConfig({ layers: ['out_relu'] }, undefined, MOBILENET);
    expect(explicit.config.layers).toEqual(['out_relu']);
  });

  it('picks stride-8 and stride-16 taps, preferring default layers', () => {
    expect(pickPatchcoreLayers(MOBILENET)).toEqual(['block_5_add', 'block_12_add']);
    expect(pickPatchcoreLayers(RESNET)).toEqual(['stage2_act', 'stage3_act']);
    expect(pickPatchcoreLayers({ layers: [{ name: 'a', stride: 2 }, { name: 'b', stride: 4 }, { name: 'c', stride: 32 }] })).toEqual(['a', 'b']);
  });
});
