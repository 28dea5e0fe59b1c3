// Draws icon.png (128×128 RGBA): a switchboard panel, three jacks a side, joined by patch cords in
// the colours of a classifier's verdicts. Run `pnpm run icon` after changing it; the PNG is committed.
// Shapes are signed-distance tests sampled 4×4 per pixel for smooth edges; the PNG encoder is the
// minimal one (filter 0 rows, one IDAT through node:zlib).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;

const BACKGROUND_TOP = [44, 48, 110];
const BACKGROUND_BOTTOM = [24, 26, 64];
const JACK_RING = [232, 234, 246];
const CORDS = [
  { from: 0, to: 1, color: [76, 175, 80] },
  { from: 1, to: 2, color: [255, 193, 7] },
  { from: 2, to: 0, color: [239, 83, 80] },
];
const ROWS = [36, 64, 92];
const LEFT = 30;
const RIGHT = 98;

function insideRoundedSquare(x, y) {
  const r = 26;
  const dx = Math.max(r - x, 0, x - (SIZE - r));
  const dy = Math.max(r - y, 0, y - (SIZE - r));
  return dx * dx + dy * dy <= r * r;
}

function distanceToSegment(px, py, ax, ay, bx, by) {
  const vx = bx - ax;
  const vy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}

// Each cord sags like a real one: a quadratic Bézier through a point below the middle, as a polyline.
const cordPaths = CORDS.map(({ from, to, color }) => {
  const [ax, ay, bx, by] = [LEFT, ROWS[from], RIGHT, ROWS[to]];
  const [cx, cy] = [(ax + bx) / 2, Math.max(ay, by) + 22];
  const points = [];
  for (let i = 0; i <= 24; i++) {
    const t = i / 24;
    const u = 1 - t;
    points.push([u * u * ax + 2 * u * t * cx + t * t * bx, u * u * ay + 2 * u * t * cy + t * t * by]);
  }
  return { points, color };
});

function colorAt(x, y) {
  if (!insideRoundedSquare(x, y)) return null;
  const t = y / SIZE;
  let color = BACKGROUND_TOP.map((c, i) => c + (BACKGROUND_BOTTOM[i] - c) * t);
  for (const { points, color: cord } of cordPaths) {
    for (let i = 1; i < points.length; i++) {
      const [ax, ay] = points[i - 1];
      const [bx, by] = points[i];
      if (distanceToSegment(x, y, ax, ay, bx, by) <= 3.2) color = cord;
    }
  }
  for (const [side, rows] of [
    [LEFT, ROWS],
    [RIGHT, ROWS],
  ]) {
    for (const row of rows) {
      const d = Math.hypot(x - side, y - row);
      if (d <= 9) color = JACK_RING;
      if (d <= 5) color = BACKGROUND_BOTTOM;
    }
  }
  return color;
}

const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const c = colorAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
        if (!c) continue;
        sum[0] += c[0];
        sum[1] += c[1];
        sum[2] += c[2];
        sum[3] += 255;
      }
    }
    const n = SAMPLES * SAMPLES;
    const covered = sum[3] / 255;
    const o = (y * SIZE + x) * 4;
    // Colour averaged over the covered samples only, so edges fade in alpha rather than to black.
    pixels[o] = covered ? Math.round(sum[0] / covered) : 0;
    pixels[o + 1] = covered ? Math.round(sum[1] / covered) : 0;
    pixels[o + 2] = covered ? Math.round(sum[2] / covered) : 0;
    pixels[o + 3] = Math.round(sum[3] / n);
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bits per channel
header[9] = 6; // RGBA
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  rows[y * (SIZE * 4 + 1)] = 0; // filter: none
  pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../icon.png', import.meta.url), png);
console.log(`icon.png: ${SIZE}×${SIZE}, ${png.length} bytes`);
