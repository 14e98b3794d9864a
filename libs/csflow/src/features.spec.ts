import { defaultFeatureLayer, scaleSides } from './features';

const RESNET = [
  { name: 'stage1', channels: 256, stride: 4 },
  { name: 'stage2_act', channels: 512, stride: 8 },
  { name: 'stage3_act', channels: 1024, stride: 16 },
];
const MOBILENET = [
  { name: 'block_5_add', channels: 32, stride: 8 },
  { name: 'block_12_add', channels: 96, stride: 16 },
  { name: 'out_relu', channels: 1280, stride: 32 },
];

describe('feature scales', () => {
  it('picks the deepest layer whose finest map is at least 16 px', () => {
    expect(defaultFeatureLayer(RESNET, 128)).toBe('stage2_act');
    expect(defaultFeatureLayer(RESNET, 256)).toBe('stage3_act');
    expect(defaultFeatureLayer(RESNET, 768)).toBe('stage3_act');
    expect(defaultFeatureLayer(MOBILENET, 768)).toBe('out_relu'); // the paper's 24 x 24
    expect(() => defaultFeatureLayer(RESNET, 32)).toThrow(/16 px/);
  });

  it('derives S, S/2, S/4 and rejects sizes that do not halve exactly', () => {
    expect(scaleSides(768, 32)).toEqual([768, 384, 192]);
    expect(() => scaleSides(100, 8)).toThrow(/multiple of 4 x the layer stride/);
  });
});
