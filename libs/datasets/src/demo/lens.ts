import type { Rng } from '../prng';
import { boxSdf, Canvas, circleSdf, place, randomLighting, ringSdf, type Pose } from './canvas';
import { drawSurfaceDefect } from './defects';

// One module-level binding of Math: under jest every lookup of a global such as `Math` goes through the
// vm context's interceptor and made the per-pixel loops here 10-20x slower; plain Node is unaffected.
const math = Math;

export const LENS_DEFECTS = ['scratch', 'spot', 'smudge'] as const;

/**
 * A lens seen from above: a bright disk with concentric rings and a small orientation notch on the rim,
 * on a dark background. Normal variation: position, scale, rotation, ring contrast, lighting, noise.
 */
export function renderLens(size: number, rng: Rng, defect: string | null, severity = 1): Canvas {
  const cv = new Canvas(size, size, [0.07, 0.07, 0.08]);
  const pose: Pose = {
    cx: size / 2 + rng.normal() * size * 0.012,
    cy: size / 2 + rng.normal() * size * 0.012,
    angle: rng.uniform(-0.15, 0.15),
    scale: 1 + rng.normal() * 0.012,
  };
  const R = size * 0.38 * pose.scale;
  const [cx, cy] = place(pose, 0, 0);
  const tint = rng.uniform(-0.02, 0.02);
  const box = [cx - R - 2, cy - R - 2, cx + R + 2, cy + R + 2] as const;
  cv.paint(circleSdf(cx, cy, R), box, (x, y) => {
    const r = math.hypot(x - cx, y - cy) / R;
    const v = 0.9 - 0.25 * r * r;
    return [v - 0.03 + tint, v, v + 0.04];
  });
  const ringContrast = rng.uniform(0.85, 1.15);
  for (const f of [0.22, 0.42, 0.62, 0.8]) {
    cv.paint(ringSdf(cx, cy, R * f, math.max(1.2, size * 0.012)), box, [0.45, 0.47, 0.52], 0.7 * ringContrast);
  }
  cv.paint(ringSdf(cx, cy, R * 0.97, math.max(1.5, size * 0.02)), box, [0.3, 0.3, 0.34], 0.9);
  const [nx, ny] = place(pose, 0, -R * 0.97);
  cv.paint(boxSdf(nx, ny, size * 0.012, size * 0.022, pose.angle), [nx - 8, ny - 8, nx + 8, ny + 8], [0.1, 0.1, 0.12]);

  if (defect) {
    // defects land inside the disk, away from its rim
    const a = rng.uniform(0, 2 * math.PI);
    const d = math.sqrt(rng.next()) * R * 0.7;
    const x = cx + math.cos(a) * d;
    const y = cy + math.sin(a) * d;
    const look = { scratch: { color: [0.2, 0.2, 0.22], halfWidth: math.max(0.7, size * 0.004) }, spot: [0.15, 0.13, 0.1], smudge: [0.6, 0.58, 0.5] } as const;
    drawSurfaceDefect(cv, rng, 'lens', defect, x, y, look, severity);
  }
  cv.finish(rng, randomLighting(rng));
  return cv;
}
