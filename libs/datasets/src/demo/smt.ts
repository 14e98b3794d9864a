import type { Rng } from '../prng';
import { boxSdf, Canvas, place, randomLighting, type Pose } from './canvas';
import { drawSurfaceDefect } from './defects';

// One module-level binding of Math: under jest every lookup of a global such as `Math` goes through the
// vm context's interceptor and made the per-pixel loops here 10-20x slower; plain Node is unaffected.
const math = Math;

export const SMT_DEFECTS = ['missing', 'shifted', 'bridge', 'spot', 'smudge'] as const;

/** A component in object space (fractions of the image size): centre, half-sizes, body colour, pads. */
interface Part {
  readonly x: number;
  readonly y: number;
  readonly hw: number;
  readonly hh: number;
  readonly body: readonly [number, number, number];
  /** 'ends': two pads at the short ends; 'pins': pins along both long sides (an IC). */
  readonly pads: 'ends' | 'pins';
}

const LAYOUT: readonly Part[] = [
  { x: -0.25, y: -0.25, hw: 0.07, hh: 0.035, body: [0.1, 0.1, 0.1], pads: 'ends' },
  { x: 0.22, y: -0.27, hw: 0.07, hh: 0.035, body: [0.1, 0.1, 0.1], pads: 'ends' },
  { x: -0.27, y: 0.2, hw: 0.06, hh: 0.035, body: [0.72, 0.6, 0.38], pads: 'ends' },
  { x: -0.27, y: 0.33, hw: 0.06, hh: 0.035, body: [0.72, 0.6, 0.38], pads: 'ends' },
  { x: 0.15, y: 0.15, hw: 0.13, hh: 0.1, body: [0.13, 0.13, 0.14], pads: 'pins' },
];

const PAD = [0.78, 0.78, 0.74] as const;
const BOARD = [0.08, 0.36, 0.16] as const;

/**
 * An SMT board: green solder mask, silver pads and components (chip resistors, capacitors, an IC).
 * Normal variation: board shift/rotation, per-component placement jitter, lighting, noise.
 * `severity` in (0, 1] scales the defect's contrast and a shifted component's displacement (1 = full;
 * a missing component is always fully missing).
 */
export function renderSmt(size: number, rng: Rng, defect: string | null, severity = 1): Canvas {
  const cv = new Canvas(size, size, BOARD);
  const pose: Pose = {
    cx: size / 2 + rng.normal() * size * 0.01,
    cy: size / 2 + rng.normal() * size * 0.01,
    angle: rng.normal() * 0.012,
    scale: 1,
  };
  const target = defect === 'missing' || defect === 'shifted' ? rng.int(0, LAYOUT.length - 1) : -1;
  const bridgePart = LAYOUT.length - 1;
  LAYOUT.forEach((p, idx) => {
    const pads = padsOf(p);
    // pads are printed, so they follow the board exactly
    for (const q of pads) {
      const [x, y] = place(pose, q.x * size, q.y * size);
      cv.paint(boxSdf(x, y, q.hw * size, q.hh * size, pose.angle, 1), boundsAround(x, y, q, size), PAD);
    }
    // placement jitter of a good component: well below the "shifted" defect
    const jx = rng.normal() * 0.003 * size;
    const jy = rng.normal() * 0.003 * size;
    const ja = rng.normal() * 0.02;
    const [bx, by] = place(pose, p.x * size + jx, p.y * size + jy);
    const body = boxSdf(bx, by, p.hw * size, p.hh * size, pose.angle + ja, 1.5);
    const bodyBox = boundsAround(bx, by, p, size);
    if (idx === target && defect === 'missing') {
      cv.markDefect(body, bodyBox);
      return;
    }
    if (idx === target && defect === 'shifted') {
      const dir = rng.uniform(0, 2 * math.PI);
      const dist = size * rng.uniform(0.035, 0.06) * severity;
      const sx = bx + math.cos(dir) * dist;
      const sy = by + math.sin(dir) * dist;
      const sa = pose.angle + ja + rng.uniform(-0.3, 0.3);
      const moved = boxSdf(sx, sy, p.hw * size, p.hh * size, sa, 1.5);
      const movedBox = boundsAround(sx, sy, p, size);
      drawBody(cv, moved, movedBox, p, sx, sy, sa, size);
      cv.markDefect(body, bodyBox);
      cv.markDefect(moved, movedBox);
      return;
    }
    drawBody(cv, body, bodyBox, p, bx, by, pose.angle + ja, size);
  });
  if (defect === 'bridge') {
    // solder bridge between two neighbouring IC pins
    const pins = padsOf(LAYOUT[bridgePart]);
    const k = rng.int(0, pins.length / 2 - 2) * 2 + rng.int(0, 1);
    const a = pins[k];
    const b = pins[k + 2];
    const [x, y] = place(pose, ((a.x + b.x) / 2) * size, ((a.y + b.y) / 2) * size);
    const sdf = boxSdf(x, y, math.abs(b.x - a.x) * size * 0.6, a.hh * size * rng.uniform(0.5, 0.8), pose.angle, 1.5);
    const box = [x - size * 0.05, y - size * 0.05, x + size * 0.05, y + size * 0.05] as const;
    cv.paint(sdf, box, [0.85, 0.85, 0.82], severity);
    cv.markDefect(sdf, box);
  } else if (defect === 'spot' || defect === 'smudge') {
    const [x, y] = place(pose, rng.uniform(-0.35, 0.35) * size, rng.uniform(-0.35, 0.35) * size);
    drawSurfaceDefect(cv, rng, 'smt', defect, x, y, { spot: [0.55, 0.45, 0.25], smudge: [0.5, 0.55, 0.5] }, severity);
  } else if (defect !== null && defect !== 'missing' && defect !== 'shifted') {
    throw new RangeError(`smt has no defect "${defect}"`);
  }
  cv.finish(rng, randomLighting(rng));
  return cv;
}

function drawBody(
  cv: Canvas,
  sdf: (x: number, y: number) => number,
  box: readonly [number, number, number, number],
  p: Part,
  x: number,
  y: number,
  angle: number,
  size: number,
): void {
  cv.paint(sdf, box, p.body);
  if (p.pads === 'pins') {
    // pin-1 dot, which makes the IC's orientation visible
    const c = math.cos(angle);
    const s = math.sin(angle);
    const dx = -p.hw * size * 0.7;
    const dy = -p.hh * size * 0.6;
    const px = x + c * dx - s * dy;
    const py = y + s * dx + c * dy;
    cv.paint((u, v) => math.hypot(u - px, v - py) - size * 0.01, [px - 5, py - 5, px + 5, py + 5], [0.5, 0.5, 0.5]);
  }
}

interface PadShape {
  readonly x: number;
  readonly y: number;
  readonly hw: number;
  readonly hh: number;
}

function padsOf(p: Part): PadShape[] {
  if (p.pads === 'ends') {
    const w = p.hw * 0.45;
    return [
      { x: p.x - p.hw + w * 0.6, y: p.y, hw: w, hh: p.hh * 1.25 },
      { x: p.x + p.hw - w * 0.6, y: p.y, hw: w, hh: p.hh * 1.25 },
    ];
  }
  const pins: PadShape[] = [];
  const n = 5;
  for (let i = 0; i < n; i++) {
    const x = p.x - p.hw * 0.8 + (i * 1.6 * p.hw) / (n - 1);
    pins.push({ x, y: p.y - p.hh - 0.025, hw: 0.012, hh: 0.03 }); // top row: even indices
    pins.push({ x, y: p.y + p.hh + 0.025, hw: 0.012, hh: 0.03 }); // bottom row: odd indices
  }
  return pins;
}

function boundsAround(x: number, y: number, s: { hw: number; hh: number }, size: number): [number, number, number, number] {
  const r = math.hypot(s.hw, s.hh) * size + 3;
  return [x - r, y - r, x + r, y + r];
}
