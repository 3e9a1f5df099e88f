// What the page draws over the city's tiles: the parcels picked, the lines drawn, a proposal's
// parcels (failing ones red), a request's parcels before it, and the register at a past moment.
// Each is a GeoJSON source with its layers, added once the style has loaded.

import type * as maplibregl from 'maplibre-gl';

export type Fc = GeoJSON.FeatureCollection;
export const EMPTY: Fc = { type: 'FeatureCollection', features: [] };

const FONT = ['Noto Sans Arabic Regular'];

/** The overlays, in drawing order (the last on top). */
const LAYERS: Record<string, maplibregl.LayerSpecification[]> = {
  history: [
    { id: 'history-fill', type: 'fill', source: 'history', paint: { 'fill-color': '#d9822b', 'fill-opacity': 0.35 } },
    { id: 'history-line', type: 'line', source: 'history', paint: { 'line-color': '#8a4b08', 'line-width': 2 } },
    {
      id: 'history-label', type: 'symbol', source: 'history',
      layout: { 'text-field': ['get', 'parcel_no'], 'text-font': FONT, 'text-size': 13 },
      paint: { 'text-color': '#4a2800', 'text-halo-color': '#fff', 'text-halo-width': 1.5 },
    },
  ],
  before: [
    { id: 'before-line', type: 'line', source: 'before', paint: { 'line-color': '#6b3fa0', 'line-width': 3, 'line-dasharray': [2, 1.5] } },
  ],
  proposal: [
    {
      id: 'proposal-fill', type: 'fill', source: 'proposal',
      paint: { 'fill-color': ['case', ['boolean', ['get', 'failing'], false], '#c62828', '#2e7d32'], 'fill-opacity': 0.4 },
    },
    { id: 'proposal-line', type: 'line', source: 'proposal', paint: { 'line-color': '#1b5e20', 'line-width': 2 } },
    {
      id: 'proposal-label', type: 'symbol', source: 'proposal',
      layout: { 'text-field': ['get', 'parcel_no'], 'text-font': FONT, 'text-size': 14, 'text-allow-overlap': true },
      paint: { 'text-color': '#102a12', 'text-halo-color': '#fff', 'text-halo-width': 2 },
    },
  ],
  problems: [
    { id: 'problems-fill', type: 'fill', source: 'problems', paint: { 'fill-color': '#b71c1c', 'fill-opacity': 0.7 } },
  ],
  picked: [
    { id: 'picked-line', type: 'line', source: 'picked', paint: { 'line-color': '#0d47a1', 'line-width': 4 } },
  ],
  lines: [
    { id: 'lines-line', type: 'line', source: 'lines', paint: { 'line-color': '#111', 'line-width': 2.5, 'line-dasharray': [3, 1] } },
    {
      id: 'lines-point', type: 'circle', source: 'lines',
      paint: { 'circle-radius': 5, 'circle-color': '#fff', 'circle-stroke-color': '#111', 'circle-stroke-width': 2 },
    },
  ],
};

export type OverlayName = keyof typeof LAYERS;

export class Overlays {
  private pending = new Map<string, Fc>();
  private ready = false;

  constructor(private map: maplibregl.Map) {
    const add = () => {
      for (const [name, layers] of Object.entries(LAYERS)) {
        if (!map.getSource(name)) map.addSource(name, { type: 'geojson', data: this.pending.get(name) ?? EMPTY });
        for (const l of layers) if (!map.getLayer(l.id)) map.addLayer(l);
      }
      this.ready = true;
    };
    if (map.isStyleLoaded()) add();
    else map.once('load', add);
  }

  set(name: OverlayName, data: Fc): void {
    this.pending.set(name, data);
    if (!this.ready) return;
    (this.map.getSource(name) as maplibregl.GeoJSONSource | undefined)?.setData(data);
  }

  clear(...names: OverlayName[]): void {
    for (const n of names.length ? names : (Object.keys(LAYERS) as OverlayName[])) this.set(n, EMPTY);
  }

  /** What an overlay holds now (tests read it through `window.viewer`). */
  get(name: OverlayName): Fc {
    return this.pending.get(name) ?? EMPTY;
  }

  /** Fits the map to the features of the overlays named. */
  fit(...names: OverlayName[]): void {
    let b: [number, number, number, number] | null = null;
    for (const n of names) b = extend(b, this.get(n));
    if (b) this.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 60, maxZoom: 19, duration: 0 });
  }
}

/** The bounding box of `fc`'s coordinates, grown from `b`. */
export function extend(b: [number, number, number, number] | null, fc: Fc): [number, number, number, number] | null {
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      b = b ? [Math.min(b[0], x), Math.min(b[1], y), Math.max(b[2], x), Math.max(b[3], y)] : [x, y, x, y];
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of fc.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates);
  return b;
}
