import { flowParameterCount, resolveConfig, trainingDeviations } from './config';

describe('resolveConfig', () => {
  it('fills every default with the paper values (optimizer included)', () => {
    const c = resolveConfig({});
    expect(c).toMatchObject({
      preset: 'paper',
      inputSize: 768,
      featureChannels: 304,
      hiddenChannels: 1024,
      blocks: 4,
      kernelSizes: [3, 3, 3, 5],
      clamp: 3,
      leakySlope: 0.1,
      epochs: 240,
      batchSize: 16,
      scoreMode: 'mean',
      optimizer: { lr: 2e-4, eps: 1e-4, weightDecay: 1e-5, gradClipNorm: 1 },
    });
  });

  it('applies the preset, then single overrides (also inside optimizer)', () => {
    expect(resolveConfig({ preset: 'small' }).optimizer.lr).toBe(2e-3);
    const c = resolveConfig({ preset: 'small', epochs: 3, optimizer: { lr: 1e-3 } });
    expect(c.preset).toBe('small');
    expect(c.featureChannels).toBe(16);
    expect(c.optimizer.weightDecay).toBe(1e-5);
    expect(c.epochs).toBe(3);
    expect(c.optimizer.lr).toBe(1e-3);
    expect(c.optimizer.eps).toBe(1e-4);
  });

  it('rejects unknown keys and invalid values', () => {
    expect(() => resolveConfig({ hiddenChanels: 3 })).toThrow();
    expect(() => resolveConfig({ preset: 'huge' })).toThrow();
    expect(() => resolveConfig({ epochs: -1 })).toThrow();
    expect(() => resolveConfig({ blocks: 3, kernelSizes: [3, 3] })).toThrow(/kernelSizes/);
  });

  it('keeps the paper kernel pattern when only blocks changes', () => {
    expect(resolveConfig({ blocks: 2 }).kernelSizes).toEqual([3, 5]);
  });

  it('sizes the seed preset near the seed project (~370 MB fp32) and small well under it', () => {
    const seed = resolveConfig({ preset: 'seed' });
    const bytes = 4 * flowParameterCount(seed);
    expect(bytes).toBeGreaterThan(340e6);
    expect(bytes).toBeLessThan(400e6);
    expect(4 * flowParameterCount(resolveConfig({ preset: 'small' }))).toBeLessThan(20e6);
  });

  it('lists every training setting that differs from the reference code, and none for the paper preset', () => {
    expect(trainingDeviations(resolveConfig({ preset: 'paper' }))).toEqual([]);
    expect(trainingDeviations(resolveConfig({ preset: 'seed' }))).toEqual([]);
    expect(trainingDeviations(resolveConfig({ preset: 'small' }))).toEqual(['Adam lr 0.002 (paper: 0.0002)']);
    expect(
      trainingDeviations(resolveConfig({ preset: 'seed', batchSize: 8, clamp: 2, optimizer: { eps: 1e-8, gradClipNorm: 0 } })),
    ).toEqual(['batch size 8 (paper: 16)', 'soft clamp 2 (paper: 3)', 'Adam eps 1e-8 (paper: 0.0001)', 'gradient-norm clipping off (issue 5: at 1)']);
  });
});
