// The drawing's geometry, in the browser: a parcel cut by straight lines the surveyor draws
// (each line cuts every piece it crosses from side to side, along its whole length), parcels
// merged into one, and approximate areas for the labels. The server's checks decide; these only
// make the proposal. Cuts are exact: both sides of a cut share the very same new corners, so the
// pieces cover the parcel without gap or overlap. Rings are GeoJSON's (lon, lat), closed.

import * as clippingModule from 'polygon-clipping';

// The package's types declare named exports; its ES module has only a default one.
const clipping = (clippingModule as unknown as { default?: typeof clippingModule }).default ?? clippingModule;

export type Pt = [number, number];
export type Ring = Pt[];

const side = (a: Pt, b: Pt, p: Pt) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);

function open(ring: Ring): Ring {
  const r = ring.slice();
  if (r.length > 1 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]) r.pop();
  return r;
}

function closed(ring: Ring): Ring {
  return ring.length ? [...ring, ring[0]] : ring;
}

/** Whether segments pq and ab cross (properly). */
function crosses(p: Pt, q: Pt, a: Pt, b: Pt): boolean {
  const d1 = side(a, b, p);
  const d2 = side(a, b, q);
  const d3 = side(p, q, a);
  const d4 = side(p, q, b);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** Planar area in squared degrees (signed). */
function shoelace(r: Ring): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    const [x1, y1] = r[i];
    const [x2, y2] = r[(i + 1) % r.length];
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

/** A ring's area in m², near enough for labels (the server computes the geodesic one). */
export function areaM2(ring: Ring): number {
  const r = open(ring);
  if (r.length < 3) return 0;
  const lat = r.reduce((s, p) => s + p[1], 0) / r.length;
  return Math.abs(shoelace(r)) * 111_320 * Math.cos((lat * Math.PI) / 180) * 110_574;
}

/** `ring` cut by the infinite line through a and b: both sides, or null if it misses. */
export function cutRing(ring: Ring, a: Pt, b: Pt): [Ring, Ring] | null {
  const r = open(ring);
  const left: Ring = [];
  const right: Ring = [];
  for (let i = 0; i < r.length; i++) {
    const p = r[i];
    const q = r[(i + 1) % r.length];
    const sp = side(a, b, p);
    const sq = side(a, b, q);
    if (sp >= 0) left.push(p);
    if (sp <= 0) right.push(p);
    if ((sp > 0 && sq < 0) || (sp < 0 && sq > 0)) {
      const t = sp / (sp - sq);
      const x: Pt = [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
      left.push(x);
      right.push(x);
    }
  }
  const whole = Math.abs(shoelace(r));
  const tiny = whole * 1e-9;
  if (left.length < 3 || right.length < 3 || Math.abs(shoelace(left)) <= tiny || Math.abs(shoelace(right)) <= tiny) {
    return null;
  }
  return [closed(left), closed(right)];
}

/** Whether the drawn segment ab crosses the ring from side to side (two of its edges or more). */
export function spans(ring: Ring, a: Pt, b: Pt): boolean {
  const r = open(ring);
  let n = 0;
  for (let i = 0; i < r.length; i++) if (crosses(r[i], r[(i + 1) % r.length], a, b)) n++;
  return n >= 2;
}

/** A parcel's outer ring cut by each drawn line in turn: the pieces, largest first. */
export function cut(ring: Ring, lines: [Pt, Pt][]): Ring[] {
  let pieces: Ring[] = [closed(open(ring))];
  for (const [a, b] of lines) {
    const next: Ring[] = [];
    for (const p of pieces) {
      const two = spans(p, a, b) ? cutRing(p, a, b) : null;
      if (two) next.push(...two);
      else next.push(p);
    }
    pieces = next;
  }
  return pieces.sort((x, y) => areaM2(y) - areaM2(x));
}

/** Parcels merged into one: the union's polygons (one when they adjoin). */
export function merge(polygons: Ring[][]): Ring[][] {
  if (polygons.length === 0) return [];
  const [first, ...rest] = polygons as unknown as clippingModule.Polygon[];
  return clipping.union(first, ...rest) as unknown as Ring[][];
}
