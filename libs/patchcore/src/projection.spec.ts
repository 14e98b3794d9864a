import { adaptiveAvgPoolMatrix, patchcoreProjection } from './projection';

function apply(x: number[], m: Float32Array, outLen: number): number[] {
  return Array.from({ length: outLen }, (_, o) => x.reduce((s, v, i) => s + v * m[i * outLen + o], 0));
}

describe('adaptive average pooling as a matrix', () => {
  it('matches torch.nn.functional.adaptive_avg_pool1d bins', () => {
    // adaptive_avg_pool1d(arange(5), 3): bins [0,1], [1,2,3], [3,4] -> 0.5, 2, 3.5
    apply([0, 1, 2, 3, 4], adaptiveAvgPoolMatrix(5, 3), 3).forEach((v, i) => expect(v).toBeCloseTo([0.5, 2, 3.5][i], 6));
    // upsampling repeats: adaptive_avg_pool1d(tensor([1., 2.]), 4) -> 1, 1, 2, 2
    expect(apply([1, 2], adaptiveAvgPoolMatrix(2, 4), 4)).toEqual([1, 1, 2, 2]);
  });

  it('combined projection gives each layer an equal share of the target dims', () => {
    // layer A has 2 channels, layer B 4; pre 4, target 4: A -> [a0,a0,a1,a1] -> pairs -> [a0, a1]; B pairs -> [(b0+b1)/2, (b2+b3)/2]
    const w = patchcoreProjection([2, 4], 4, 4);
    const out = apply([1, 3, 10, 20, 30, 40], w, 4);
    expect(out.map((v) => Math.round(v * 1e5) / 1e5)).toEqual([1, 3, 15, 35]);
  });
});
