import type { Rng } from '../prng';
import { boxSdf, Canvas, place, randomLighting, type Pose } from './canvas';
import { drawSurfaceDefect } from './defects';

// One module-level binding of Math: under jest every lookup of a global such as `Math` goes through the
// vm context's interceptor and made the per-pixel loops here 10-20x slower; plain Node is unaffected.
const math = Math;

export const FLEX_DEFECTS = ['bridge', 'scratch', 'spot', 'smudge'] as const;

const COPPER = [0.82, 0.5, 0.26] as const;
const TRACES = 6;

/**
 * A flex cable: parallel copper traces on a dark amber polyimide film.
 * Normal variation: small shift and rotation of the whole cable, trace width, lighting, noise.
 * `severity` in (0, 1] scales the defect's contrast (1 = full).
 */
export function renderFlex(size: number, rng: Rng, defect: string | null, severity = 1): Canvas {
  const cv = new Canvas(size, size, [0.16, 0.1, 0.05]);
  const pose: Pose = {
    cx: size / 2 + rng.normal() * size * 0.01,
    cy: size / 2 + rng.normal() * size * 0.01,
    angle: rng.normal() * 0.012,
    scale: 1,
  };
  const pitch = size * 0.14;
  const halfW = size * rng.uniform(0.03, 0.034);
  const traceY = (i: number) => (i - (TRACES - 1) / 2) * pitch;
  const full = [0, 0, size, size] as const;
  for (let i = 0; i < TRACES; i++) {
    const [x, y] = place(pose, 0, traceY(i));
    cv.paint(boxSdf(x, y, size, halfW, pose.angle), full, (px, py) => {
      // a soft specular stripe along the trace centre
      const off = math.abs(-math.sin(pose.angle) * (px - x) + math.cos(pose.angle) * (py - y)) / halfW;
      const k = 1 + 0.18 * math.max(0, 1 - off * 2);
      return [COPPER[0] * k, COPPER[1] * k, COPPER[2] * k];
    });
  }
  if (defect) {
    const gap = rng.int(0, TRACES - 2);
    const along = rng.uniform(-0.35, 0.35) * size;
    if (defect === 'bridge') {
      const [x, y] = place(pose, along, (traceY(gap) + traceY(gap + 1)) / 2);
      const hw = size * rng.uniform(0.015, 0.03);
      const sdf = boxSdf(x, y, hw, pitch / 2 - halfW * 0.5, pose.angle + rng.normal() * 0.15, hw * 0.6);
      const box = [x - pitch, y - pitch, x + pitch, y + pitch] as const;
      cv.paint(sdf, box, [COPPER[0] * 0.95, COPPER[1] * 0.95, COPPER[2] * 0.95], severity);
      cv.markDefect(sdf, box);
    } else {
      const [x, y] = place(pose, along, traceY(gap) + rng.uniform(0, pitch));
      const look = { scratch: { color: [0.08, 0.05, 0.03], halfWidth: math.max(0.8, size * 0.005) }, spot: [0.55, 0.55, 0.5], smudge: [0.45, 0.35, 0.25] } as const;
      drawSurfaceDefect(cv, rng, 'flex', defect, x, y, look, severity);
    }
  }
  cv.finish(rng, randomLighting(rng));
  return cv;
}
