import type { BinaryMask, DecodedImage } from '@defectlab/ml-core';
import type { Rng } from '../prng';

// One module-level binding of Math: under jest every lookup of a global such as `Math` goes through the
// vm context's interceptor and made the per-pixel loops here 10-20x slower; plain Node is unaffected.
const math = Math;

/** RGB colour with components in [0, 1]. */
export type Rgb = readonly [number, number, number];

/** Signed distance in pixels from (x, y) to a shape's edge: negative inside. */
export type Sdf = (x: number, y: number) => number;

/** Pixel bounding box [x0, y0, x1, y1] (inclusive-exclusive), clipped when painting. */
export type Box = readonly [number, number, number, number];

/**
 * A float RGB drawing surface plus its defect mask. Shapes are given as signed distance functions and
 * anti-aliased over one pixel, so small shifts and rotations change pixels smoothly.
 */
export class Canvas {
  readonly rgb: Float32Array;
  readonly mask: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb,
  ) {
    this.rgb = new Float32Array(width * height * 3);
    this.mask = new Uint8Array(width * height);
    for (let i = 0; i < width * height; i++) this.rgb.set(background, i * 3);
  }

  /** Blends `color` (constant or per pixel) into the shape with the given opacity. */
  paint(sdf: Sdf, box: Box, color: Rgb | ((x: number, y: number) => Rgb), alpha = 1): void {
    this.forBox(box, (x, y, i) => {
      const cover = clamp01(0.5 - sdf(x + 0.5, y + 0.5)) * alpha;
      if (cover <= 0) return;
      const c = typeof color === 'function' ? color(x + 0.5, y + 0.5) : color;
      for (let k = 0; k < 3; k++) this.rgb[i * 3 + k] += (c[k] - this.rgb[i * 3 + k]) * cover;
    });
  }

  /** Marks the shape's pixels (centre inside) as defective in the mask. */
  markDefect(sdf: Sdf, box: Box): void {
    this.forBox(box, (x, y, i) => {
      if (sdf(x + 0.5, y + 0.5) <= 0) this.mask[i] = 1;
    });
  }

  /**
   * Replaces pixels inside `weight` (0..1 per pixel) by a blurred copy of themselves, mixed by the weight:
   * a smudge. `radius` is the box-blur radius (three passes approximate a Gaussian).
   */
  blurWhere(box: Box, radius: number, weight: (x: number, y: number) => number): void {
    const [x0, y0, x1, y1] = this.clip(box, radius * 3);
    const w = x1 - x0;
    const h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    let buf: Float32Array = new Float32Array(w * h * 3);
    for (let y = 0; y < h; y++) buf.set(this.rgb.subarray(((y0 + y) * this.width + x0) * 3, ((y0 + y) * this.width + x1) * 3), y * w * 3);
    for (let pass = 0; pass < 3; pass++) buf = boxBlur(boxBlur(buf, w, h, radius, true), w, h, radius, false);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const a = clamp01(weight(x0 + x + 0.5, y0 + y + 0.5));
        if (a <= 0) continue;
        const i = ((y0 + y) * this.width + x0 + x) * 3;
        for (let k = 0; k < 3; k++) this.rgb[i + k] += (buf[(y * w + x) * 3 + k] - this.rgb[i + k]) * a;
      }
    }
  }

  /**
   * Global photometric variation: gain, offset, a linear illumination gradient and Gaussian sensor noise.
   */
  finish(rng: Rng, opts: Lighting): void {
    const angle = rng.uniform(0, 2 * math.PI);
    const gx = (math.cos(angle) * opts.gradient) / this.width;
    const gy = (math.sin(angle) * opts.gradient) / this.height;
    const cx = this.width / 2;
    const cy = this.height / 2;
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const i = (y * this.width + x) * 3;
        const light = opts.gain * (1 + gx * (x - cx) + gy * (y - cy));
        for (let k = 0; k < 3; k++) this.rgb[i + k] = this.rgb[i + k] * light + opts.offset + rng.normal() * opts.noise;
      }
    }
  }

  toImage(): DecodedImage {
    const data = new Uint8Array(this.rgb.length);
    for (let i = 0; i < data.length; i++) data[i] = math.round(clamp01(this.rgb[i]) * 255);
    return { data, width: this.width, height: this.height };
  }

  toMask(): BinaryMask {
    return { data: new Uint8Array(this.mask), width: this.width, height: this.height };
  }

  private clip(box: Box, margin = 0): Box {
    return [
      math.max(0, math.floor(box[0] - margin)),
      math.max(0, math.floor(box[1] - margin)),
      math.min(this.width, math.ceil(box[2] + margin)),
      math.min(this.height, math.ceil(box[3] + margin)),
    ];
  }

  private forBox(box: Box, fn: (x: number, y: number, i: number) => void): void {
    const [x0, y0, x1, y1] = this.clip(box, 1);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) fn(x, y, y * this.width + x);
  }
}

function boxBlur(src: Float32Array, w: number, h: number, r: number, horizontal: boolean): Float32Array {
  const out = new Float32Array(src.length);
  const rad = math.max(1, math.round(r));
  const n = horizontal ? w : h;
  const lines = horizontal ? h : w;
  for (let line = 0; line < lines; line++) {
    for (let k = 0; k < 3; k++) {
      const at = (t: number) => {
        const tt = math.min(n - 1, math.max(0, t));
        return ((horizontal ? line * w + tt : tt * w + line) * 3) + k;
      };
      let sum = 0;
      for (let t = -rad; t <= rad; t++) sum += src[at(t)];
      for (let t = 0; t < n; t++) {
        out[at(t)] = sum / (2 * rad + 1);
        sum += src[at(t + rad + 1)] - src[at(t - rad)];
      }
    }
  }
  return out;
}

/** How a shot is lit: overall gain, offset, a linear gradient's strength across the image, sensor noise (std). */
export interface Lighting {
  readonly gain: number;
  readonly offset: number;
  readonly gradient: number;
  readonly noise: number;
}

/**
 * The lighting that varies from shot to shot for every demo product: gain 0.93-1.07, offset +-0.02, a
 * gradient up to 12 %, noise 0.012. Draws gain, offset and gradient from `rng` in that order.
 */
export function randomLighting(rng: Rng): Lighting {
  return { gain: rng.uniform(0.93, 1.07), offset: rng.uniform(-0.02, 0.02), gradient: rng.uniform(0, 0.12), noise: 0.012 };
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** Circle of radius r centred at (cx, cy). */
export function circleSdf(cx: number, cy: number, r: number): Sdf {
  return (x, y) => math.hypot(x - cx, y - cy) - r;
}

/** Annulus of centre radius r and width w. */
export function ringSdf(cx: number, cy: number, r: number, w: number): Sdf {
  return (x, y) => math.abs(math.hypot(x - cx, y - cy) - r) - w / 2;
}

/** Ellipse (approximate distance) with half-axes a, b, rotated by angle (radians). */
export function ellipseSdf(cx: number, cy: number, a: number, b: number, angle: number): Sdf {
  const c = math.cos(angle);
  const s = math.sin(angle);
  const m = math.min(a, b);
  return (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const u = (c * dx + s * dy) / a;
    const v = (-s * dx + c * dy) / b;
    return (math.hypot(u, v) - 1) * m;
  };
}

/** Rectangle of half-sizes (hw, hh) centred at (cx, cy), rotated by angle, with rounded corners r. */
export function boxSdf(cx: number, cy: number, hw: number, hh: number, angle: number, r = 0): Sdf {
  const c = math.cos(angle);
  const s = math.sin(angle);
  return (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const u = math.abs(c * dx + s * dy) - (hw - r);
    const v = math.abs(-s * dx + c * dy) - (hh - r);
    return math.hypot(math.max(u, 0), math.max(v, 0)) + math.min(math.max(u, v), 0) - r;
  };
}

/** Thick polyline (capsules between consecutive points) of half-width hw. */
export function polylineSdf(points: readonly (readonly [number, number])[], hw: number): Sdf {
  return (x, y) => {
    let best = Infinity;
    for (let i = 0; i + 1 < points.length; i++) {
      const [ax, ay] = points[i];
      const [bx, by] = points[i + 1];
      const ex = bx - ax;
      const ey = by - ay;
      const len2 = ex * ex + ey * ey || 1e-9;
      const t = math.max(0, math.min(1, ((x - ax) * ex + (y - ay) * ey) / len2));
      best = math.min(best, math.hypot(x - ax - t * ex, y - ay - t * ey));
    }
    return best - hw;
  };
}

/** Bounding box of a set of points, grown by `margin`. */
export function boundsOf(points: readonly (readonly [number, number])[], margin: number): Box {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return [math.min(...xs) - margin, math.min(...ys) - margin, math.max(...xs) + margin, math.max(...ys) + margin];
}

/** A rigid placement of the product in the image: object coordinates (pixels, origin at the product centre) to image pixels. */
export interface Pose {
  readonly cx: number;
  readonly cy: number;
  readonly angle: number;
  readonly scale: number;
}

/** Maps an object-space point to image pixels. */
export function place(pose: Pose, x: number, y: number): [number, number] {
  const c = math.cos(pose.angle);
  const s = math.sin(pose.angle);
  return [pose.cx + pose.scale * (c * x - s * y), pose.cy + pose.scale * (s * x + c * y)];
}
