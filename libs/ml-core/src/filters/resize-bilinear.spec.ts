import { resizeBilinear } from './resize-bilinear';

describe('resizeBilinear', () => {
  it('upsamples 2x with half-pixel centres like PyTorch align_corners=False', () => {
    // torch.nn.functional.interpolate(torch.tensor([[[[0., 1.]]]]), size=(1, 4), mode='bilinear') = [0, 0.25, 0.75, 1]
    const y = resizeBilinear({ data: Float32Array.from([0, 1]), dims: [1, 1, 1, 2] }, 1, 4);
    expect(Array.from(y.data)).toEqual([0, 0.25, 0.75, 1]);
  });

  it('is the identity at the same size and keeps linear ramps linear in the interior', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i);
    expect(Array.from(resizeBilinear({ data, dims: [1, 1, 3, 4] }, 3, 4).data)).toEqual(Array.from(data));
    const ramp = Float32Array.from({ length: 8 }, (_, i) => i % 4);
    const y = resizeBilinear({ data: ramp, dims: [1, 2, 1, 4] }, 1, 8);
    // output x maps to source (x + 0.5) / 2 - 0.5; interior values follow the ramp
    for (let x = 1; x < 7; x++) expect(y.data[x]).toBeCloseTo((x + 0.5) / 2 - 0.5, 6);
    expect(y.dims).toEqual([1, 2, 1, 8]);
  });
});
