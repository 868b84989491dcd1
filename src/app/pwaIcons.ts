/**
 * The web app manifest's PNG icons (issue 18, "Offline and installable"), drawn at build time from
 * the same shapes as public/favicon.svg (a blue rounded square with a white arrow), so no binary
 * file is kept in the repository. Runs in Node (vite.config.ts): the shapes are rasterised with
 * signed distances (one pixel of anti-aliasing) and written as an 8-bit RGBA PNG with node:zlib.
 */
import { crc32, deflateSync } from 'node:zlib';

/** The favicon's colours and geometry, in its 32×32 viewBox. */
export const ICON_BLUE = [0x1f, 0x6f, 0xeb] as const;
const VIEW = 32;
const CORNER = 6;
const STROKE = 3;
/** The arrow: a shaft and a chevron, stroked with round caps and joins. */
const SEGMENTS: readonly (readonly [number, number, number, number])[] = [
  [6, 16, 20, 16],
  [18, 10, 25, 16],
  [25, 16, 18, 22],
];

export interface IconSpec {
  /** Width and height in pixels. */
  size: number;
  /**
   * A maskable icon (https://w3c.github.io/manifest/#purpose-member): the background fills the
   * square (the platform cuts its own shape) and the arrow is shrunk into the safe zone, the
   * centred circle of radius 0.4 × size.
   */
  maskable: boolean;
}

function segmentDistance(px: number, py: number, s: readonly [number, number, number, number]) {
  const [x1, y1, x2, y2] = s;
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - x1 - t * dx, py - y1 - t * dy);
}

/** Distance outside a rounded square covering the whole viewBox (negative inside). */
function roundedSquareDistance(px: number, py: number, r: number) {
  const qx = Math.abs(px - VIEW / 2) - (VIEW / 2 - r);
  const qy = Math.abs(py - VIEW / 2) - (VIEW / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Coverage in [0, 1] of a shape whose edge is `d` viewBox units away, at `unit` units a pixel. */
const coverage = (d: number, unit: number) => Math.max(0, Math.min(1, 0.5 - d / unit));

/** The icon's pixels, RGBA, row by row. */
export function drawIcon({ size, maskable }: IconSpec): Uint8Array {
  if (!Number.isInteger(size) || size < 16 || size > 4096) {
    throw new Error(`pwaIcons: icon size ${size} must be an integer from 16 to 4096`);
  }
  const unit = VIEW / size;
  // Scaling the arrow by 0.8 about the centre puts its farthest point 10.9 units from it, inside
  // the maskable safe zone's 12.8.
  const glyphScale = maskable ? 0.8 : 1;
  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = (x + 0.5) * unit;
      const py = (y + 0.5) * unit;
      const bg = maskable ? 1 : coverage(roundedSquareDistance(px, py, CORNER), unit);
      const gx = VIEW / 2 + (px - VIEW / 2) / glyphScale;
      const gy = VIEW / 2 + (py - VIEW / 2) / glyphScale;
      const d = Math.min(...SEGMENTS.map((s) => segmentDistance(gx, gy, s))) - STROKE / 2;
      const fg = coverage(d * glyphScale, unit) * bg;
      const i = (y * size + x) * 4;
      out[i] = Math.round(ICON_BLUE[0] + (255 - ICON_BLUE[0]) * fg);
      out[i + 1] = Math.round(ICON_BLUE[1] + (255 - ICON_BLUE[1]) * fg);
      out[i + 2] = Math.round(ICON_BLUE[2] + (255 - ICON_BLUE[2]) * fg);
      out[i + 3] = Math.round(255 * bg);
    }
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG file (8-bit RGBA, no interlace, filter 0 on every row) of `rgba`, `size` pixels square. */
export function encodePng(rgba: Uint8Array, size: number): Buffer {
  if (rgba.length !== size * size * 4) {
    throw new Error(`pwaIcons: ${rgba.length} bytes is not ${size}×${size} RGBA`);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** The manifest's icons: file name (under the build folder) and spec. */
export const PWA_ICONS = [
  { file: 'icons/icon-192.png', size: 192, maskable: false },
  { file: 'icons/icon-512.png', size: 512, maskable: false },
  { file: 'icons/icon-maskable-512.png', size: 512, maskable: true },
] as const;

/** iOS's home-screen icon (a link in index.html): full bleed, iOS rounds the corners itself. */
export const APPLE_TOUCH_ICON = {
  file: 'icons/apple-touch-icon-180.png',
  size: 180,
  maskable: true,
} as const;
