import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICON_BLUE, PWA_ICONS, drawIcon, encodePng } from './pwaIcons';

/** Reads a PNG as the spec lays it out: signature, then chunks (length, type, data, CRC). */
function decodePng(png: Buffer) {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length), `${type} CRC`).toBe(
      crc32(png.subarray(at + 4, at + 8 + length)),
    );
    chunks.push({ type, data });
    at += 12 + length;
  }
  expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const ihdr = chunks[0]!.data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  expect([...ihdr.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
  const rows = inflateSync(chunks[1]!.data);
  expect(rows.length).toBe(height * (width * 4 + 1));
  const pixel = (x: number, y: number) => {
    const row = y * (width * 4 + 1);
    expect(rows[row], 'filter type of the row').toBe(0);
    return [...rows.subarray(row + 1 + x * 4, row + 1 + x * 4 + 4)];
  };
  return { width, height, pixel };
}

const blue = [...ICON_BLUE, 255];
const white = [255, 255, 255, 255];

describe('PWA icons', () => {
  it('draws the favicon: a blue rounded square, a white arrow, transparent corners', () => {
    const { width, height, pixel } = decodePng(
      encodePng(drawIcon({ size: 192, maskable: false }), 192),
    );
    expect([width, height]).toEqual([192, 192]);
    expect(pixel(0, 0)).toEqual([...ICON_BLUE, 0]); // outside the 6/32 corner radius
    expect(pixel(191, 191)[3]).toBe(0);
    expect(pixel(96, 10)).toEqual(blue); // top edge, middle: inside the square
    // The shaft runs from x 6 to 20 of 32 at y 16; the chevron's tip is at (25, 16).
    expect(pixel(72, 96)).toEqual(white);
    expect(pixel(148, 96)).toEqual(white);
    expect(pixel(72, 70)).toEqual(blue); // above the shaft
    expect(pixel(170, 96)).toEqual(blue); // past the tip
  });

  it('draws the maskable icon full bleed with the arrow inside the safe zone', () => {
    const size = 512;
    const { pixel } = decodePng(encodePng(drawIcon({ size, maskable: true }), size));
    expect(pixel(0, 0)).toEqual(blue);
    expect(pixel(511, 511)).toEqual(blue);
    // Every white pixel lies in the centred circle of radius 0.4 × size.
    let whites = 0;
    for (let y = 0; y < size; y += 2) {
      for (let x = 0; x < size; x += 2) {
        if (pixel(x, y)[0] === ICON_BLUE[0]) continue;
        whites++;
        expect(Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2)).toBeLessThanOrEqual(0.4 * size);
      }
    }
    expect(whites).toBeGreaterThan(1000);
  });

  it('lists the sizes the manifest needs: 192, 512 and a maskable one', () => {
    const sizes = PWA_ICONS.filter((i) => !i.maskable).map((i) => i.size);
    expect(sizes).toEqual(expect.arrayContaining([192, 512]));
    expect(PWA_ICONS.some((i) => i.maskable && i.size >= 512)).toBe(true);
  });

  it('refuses a size it cannot draw and pixels of the wrong length', () => {
    expect(() => drawIcon({ size: 0, maskable: false })).toThrow(/icon size 0 must be an integer/);
    expect(() => encodePng(new Uint8Array(10), 4)).toThrow(/10 bytes is not 4×4 RGBA/);
  });
});
