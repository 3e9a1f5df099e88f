// Glyph PBFs for MapLibre, made here from the fonts of npm packages, so that the map's labels
// (Arabic and Latin) need no glyph server and no network.
//
// MapLibre draws text from signed-distance-field glyphs fetched as `{fontstack}/{range}.pbf`
// (256 code points a file). This writes every range 0-255 ... 65280-65535 of each font stack
// (empty ranges as empty stacks, so no request ever fails) the way fontnik does: glyphs
// rasterised at 24 px, a 3 px buffer, distances up to 8 px, the outline at value 192. Arabic is
// shaped by the RTL text plugin into presentation forms (U+FB50-U+FEFF), which Noto Sans Arabic
// carries.
//
// Usage: node scripts/glyphs.mjs OUT_DIR

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as fontkit from 'fontkit';
import { PbfWriter } from 'pbf';

const require = createRequire(import.meta.url);
const SIZE = 24; // px per em, as fontnik
const BUFFER = 3; // px around each glyph bitmap
const RADIUS = 8; // px of distance encoded
const CUTOFF = 0.25; // share of the 0-255 range given to the inside
const ASCENDER = Math.round((1069 / 1000) * SIZE); // Noto Sans' ascender, as the OpenMapTiles glyphs

/** The font stacks: a name and the font files it draws from, the first that has a code point wins. */
export const STACKS = [
  {
    name: 'Noto Sans Arabic Regular',
    files: [
      '@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff2',
      '@fontsource/noto-sans/files/noto-sans-latin-ext-400-normal.woff2',
      '@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-400-normal.woff2',
    ],
  },
  {
    name: 'Noto Sans Arabic Bold',
    files: [
      '@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff2',
      '@fontsource/noto-sans/files/noto-sans-latin-ext-700-normal.woff2',
      '@fontsource/noto-sans-arabic/files/noto-sans-arabic-arabic-700-normal.woff2',
    ],
  },
];

/** Flattens a glyph's outline (font units) into closed rings of points in pixels, y up. */
function rings(glyph, scale) {
  const out = [];
  let ring = null;
  let x0 = 0;
  let y0 = 0;
  const push = (x, y) => {
    ring.push([x * scale, y * scale]);
    x0 = x;
    y0 = y;
  };
  for (const { command, args } of glyph.path.commands) {
    if (command === 'moveTo') {
      if (ring && ring.length > 2) out.push(ring);
      ring = [];
      push(args[0], args[1]);
    } else if (!ring) {
      continue;
    } else if (command === 'lineTo') {
      push(args[0], args[1]);
    } else if (command === 'quadraticCurveTo') {
      const [cx, cy, x, y] = args;
      const sx = x0;
      const sy = y0;
      for (let i = 1; i <= 8; i++) {
        const t = i / 8;
        const u = 1 - t;
        push(u * u * sx + 2 * u * t * cx + t * t * x, u * u * sy + 2 * u * t * cy + t * t * y);
      }
    } else if (command === 'bezierCurveTo') {
      const [c1x, c1y, c2x, c2y, x, y] = args;
      const sx = x0;
      const sy = y0;
      for (let i = 1; i <= 12; i++) {
        const t = i / 12;
        const u = 1 - t;
        push(
          u * u * u * sx + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * x,
          u * u * u * sy + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * y,
        );
      }
    } else if (command === 'closePath') {
      if (ring.length > 2) out.push(ring);
      ring = null;
    }
  }
  if (ring && ring.length > 2) out.push(ring);
  return out;
}

/** Squared distance from (px, py) to the segment a-b. */
function segmentDistance2(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/**
 * Marks the pixels whose centres are inside the outline by the non-zero winding rule
 * (TrueType's fill rule): per row, the crossings of the row's centre line, sorted, with their
 * direction.
 */
function fill(segments, w, h, originX, originY) {
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const py = originY - y - 0.5;
    const crossings = [];
    for (let s = 0; s < segments.length; s += 4) {
      const ay = segments[s + 1];
      const by = segments[s + 3];
      if ((ay <= py && by > py) || (by <= py && ay > py)) {
        const ax = segments[s];
        const bx = segments[s + 2];
        crossings.push([ax + ((py - ay) / (by - ay)) * (bx - ax), by > ay ? 1 : -1]);
      }
    }
    crossings.sort((a, b) => a[0] - b[0]);
    let winding = 0;
    let k = 0;
    for (let x = 0; x < w; x++) {
      const px = originX + x + 0.5;
      while (k < crossings.length && crossings[k][0] <= px) winding += crossings[k++][1];
      if (winding !== 0) mask[y * w + x] = 1;
    }
  }
  return mask;
}

/** One glyph as MapLibre wants it: metrics in px and an SDF bitmap with a 3 px buffer. */
function sdfGlyph(font, glyph, id) {
  const scale = SIZE / font.unitsPerEm;
  const advance = Math.round(glyph.advanceWidth * scale);
  const shape = rings(glyph, scale);
  if (shape.length === 0) {
    return { id, width: 0, height: 0, left: 0, top: -ASCENDER, advance, bitmap: null };
  }
  let xmin = Infinity;
  let ymin = Infinity;
  let xmax = -Infinity;
  let ymax = -Infinity;
  for (const ring of shape) {
    for (const [x, y] of ring) {
      xmin = Math.min(xmin, x);
      ymin = Math.min(ymin, y);
      xmax = Math.max(xmax, x);
      ymax = Math.max(ymax, y);
    }
  }
  const left = Math.floor(xmin);
  const bottom = Math.floor(ymin);
  const right = Math.ceil(xmax);
  const top = Math.ceil(ymax);
  const width = right - left;
  const height = top - bottom;
  if (width <= 0 || height <= 0) {
    return { id, width: 0, height: 0, left: 0, top: -ASCENDER, advance, bitmap: null };
  }
  const w = width + 2 * BUFFER;
  const h = height + 2 * BUFFER;
  const bitmap = new Uint8Array(w * h);
  const segments = [];
  for (const ring of shape) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      segments.push(ring[j][0], ring[j][1], ring[i][0], ring[i][1]);
    }
  }
  // Distances only matter within RADIUS: each segment visits the pixels of its box grown by it.
  const originX = left - BUFFER;
  const originY = top + BUFFER;
  const best = new Float64Array(w * h).fill(RADIUS * RADIUS);
  for (let s = 0; s < segments.length; s += 4) {
    const [ax, ay, bx, by] = [segments[s], segments[s + 1], segments[s + 2], segments[s + 3]];
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - RADIUS - originX));
    const x1 = Math.min(w - 1, Math.ceil(Math.max(ax, bx) + RADIUS - originX));
    const y0 = Math.max(0, Math.floor(originY - Math.max(ay, by) - RADIUS));
    const y1 = Math.min(h - 1, Math.ceil(originY - Math.min(ay, by) + RADIUS));
    for (let y = y0; y <= y1; y++) {
      const py = originY - y - 0.5;
      for (let x = x0; x <= x1; x++) {
        const d = segmentDistance2(originX + x + 0.5, py, ax, ay, bx, by);
        if (d < best[y * w + x]) best[y * w + x] = d;
      }
    }
  }
  const mask = fill(segments, w, h, originX, originY);
  for (let i = 0; i < w * h; i++) {
    let d = Math.sqrt(best[i]) * (256 / RADIUS);
    if (mask[i]) d = -d;
    d += CUTOFF * 256;
    bitmap[i] = 255 - Math.max(0, Math.min(255, Math.round(d)));
  }
  return { id, width, height, left, top: top - ASCENDER, advance, bitmap };
}

function writeGlyph(g, pbf) {
  pbf.writeVarintField(1, g.id);
  if (g.bitmap) pbf.writeBytesField(2, g.bitmap);
  pbf.writeVarintField(3, g.width);
  pbf.writeVarintField(4, g.height);
  pbf.writeSVarintField(5, g.left);
  pbf.writeSVarintField(6, g.top);
  pbf.writeVarintField(7, g.advance);
}

function encodeRange(stackName, start, glyphs) {
  const pbf = new PbfWriter();
  pbf.writeMessage(1, (stack, p) => {
    p.writeStringField(1, stackName);
    p.writeStringField(2, `${start}-${start + 255}`);
    for (const g of stack) p.writeMessage(3, writeGlyph, g);
  }, glyphs);
  return pbf.finish();
}

/** Writes `OUT_DIR/<stack>/<start>-<end>.pbf` for every range of every stack; returns a count. */
export function buildGlyphs(outDir) {
  let count = 0;
  for (const stack of STACKS) {
    const fonts = stack.files.map((f) => fontkit.openSync(require.resolve(f)));
    const dir = path.join(outDir, stack.name);
    fs.mkdirSync(dir, { recursive: true });
    for (let start = 0; start < 65536; start += 256) {
      const glyphs = [];
      for (let cp = start; cp < start + 256; cp++) {
        const font = fonts.find((f) => f.hasGlyphForCodePoint(cp));
        if (!font) continue;
        glyphs.push(sdfGlyph(font, font.glyphForCodePoint(cp), cp));
        count++;
      }
      fs.writeFileSync(path.join(dir, `${start}-${start + 255}.pbf`), encodeRange(stack.name, start, glyphs));
    }
  }
  return count;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/glyphs.mjs OUT_DIR');
    process.exit(2);
  }
  const t0 = Date.now();
  const n = buildGlyphs(out);
  console.log(`glyphs: ${n} glyphs in ${STACKS.length} font stacks (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
