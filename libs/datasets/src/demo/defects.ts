import type { Rng } from '../prng';
import { boundsOf, Canvas, circleSdf, clamp01, ellipseSdf, polylineSdf, type Rgb, type Sdf } from './canvas';

// One module-level binding of Math: under jest every lookup of a global such as `Math` goes through the
// vm context's interceptor and made the per-pixel loops here 10-20x slower; plain Node is unaffected.
const math = Math;

/**
 * A thin, slightly curved line (a scratch) starting near (x, y), `length` pixels long, drawn in `color`.
 * The mask covers the line plus one pixel. `severity` in (0, 1] scales the contrast (1 = full).
 */
export function drawScratch(cv: Canvas, rng: Rng, x: number, y: number, length: number, color: Rgb, halfWidth: number, severity = 1): void {
  const angle = rng.uniform(0, math.PI);
  const bend = rng.uniform(-0.5, 0.5);
  const pts: [number, number][] = [];
  for (let i = 0; i <= 6; i++) {
    const t = i / 6 - 0.5;
    const a = angle + bend * t;
    pts.push([x + math.cos(a) * t * length, y + math.sin(a) * t * length]);
  }
  const box = boundsOf(pts, halfWidth + 2);
  cv.paint(polylineSdf(pts, halfWidth), box, color, 0.9 * severity);
  cv.markDefect(polylineSdf(pts, halfWidth + 1), box);
}

/** An irregular blob (union of three discs) of about `radius` pixels: dirt, a bubble or a stain; `severity` scales contrast. */
export function drawSpot(cv: Canvas, rng: Rng, x: number, y: number, radius: number, color: Rgb, severity = 1): void {
  const parts: Sdf[] = [circleSdf(x, y, radius)];
  for (let i = 0; i < 2; i++) {
    const a = rng.uniform(0, 2 * math.PI);
    parts.push(circleSdf(x + math.cos(a) * radius * 0.6, y + math.sin(a) * radius * 0.6, radius * rng.uniform(0.5, 0.8)));
  }
  const sdf: Sdf = (px, py) => math.min(...parts.map((p) => p(px, py)));
  const box = boundsOf([[x, y]], radius * 2 + 2);
  cv.paint(sdf, box, color, 0.95 * severity);
  cv.markDefect(sdf, box);
}

/**
 * A blurry smudge: inside a soft ellipse the image is blurred and hazed toward `haze`.
 * The mask is where the smudge weight exceeds one half. `severity` scales blur mixing and haze.
 */
export function drawSmudge(cv: Canvas, rng: Rng, x: number, y: number, radius: number, haze: Rgb, severity = 1): void {
  const sdf = ellipseSdf(x, y, radius, radius * rng.uniform(0.5, 0.9), rng.uniform(0, math.PI));
  const soft = radius * 0.35;
  const weight = (px: number, py: number) => clamp01(0.5 - sdf(px, py) / soft) * severity;
  const box = boundsOf([[x, y]], radius + soft);
  cv.blurWhere(box, math.max(2, radius / 5), weight);
  // haze with the same soft edge as the blur
  cv.paint((px, py) => sdf(px, py) / soft, box, haze, 0.35 * severity);
  cv.markDefect(sdf, box);
}

/** How one product shows its surface defects: the colour of each it can have, and the scratch's half-width in pixels. */
export interface SurfaceDefectLook {
  readonly scratch?: { readonly color: Rgb; readonly halfWidth: number };
  readonly spot?: Rgb;
  readonly smudge?: Rgb;
}

/**
 * Draws a scratch, spot or smudge at (x, y) in the product's `look`, sized as for every demo product
 * (scratch 15-30 %, spot 1.2-2.5 %, smudge 6-10 % of the canvas width). A defect the look leaves out is
 * a RangeError naming `product`.
 */
export function drawSurfaceDefect(cv: Canvas, rng: Rng, product: string, defect: string, x: number, y: number, look: SurfaceDefectLook, severity = 1): void {
  const size = cv.width;
  if (defect === 'scratch' && look.scratch) drawScratch(cv, rng, x, y, size * rng.uniform(0.15, 0.3), look.scratch.color, look.scratch.halfWidth, severity);
  else if (defect === 'spot' && look.spot) drawSpot(cv, rng, x, y, size * rng.uniform(0.012, 0.025), look.spot, severity);
  else if (defect === 'smudge' && look.smudge) drawSmudge(cv, rng, x, y, size * rng.uniform(0.06, 0.1), look.smudge, severity);
  else throw new RangeError(`${product} has no defect "${defect}"`);
}
