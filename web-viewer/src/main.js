// The map page: MapLibre GL JS with one of madinati's styles (citizens by default,
// `?style=planners` for planners and surveyors) over the city's vector tiles. Every asset comes
// from the madinati server that served the page. `window.map` is the MapLibre map (tests use it).

import * as maplibregl from 'maplibre-gl';

const STYLES = ['citizens', 'planners'];
const TILEJSON = '/tiles/districts,plans,streets,parcels,service_points.json';
// Dammam, where the demo city is, when the server cannot say where its data is.
const FALLBACK = { center: [50.1, 26.4], zoom: 11 };

// MapLibre's worker is a file beside this script (no blob from a CDN).
maplibregl.setWorkerUrl(new URL('./maplibre-gl-worker.mjs', import.meta.url).href);

const params = new URLSearchParams(window.location.search);
const styleName = STYLES.includes(params.get('style')) ? params.get('style') : STYLES[0];
const lang = params.get('lang') === 'en' ? 'en' : 'ar';

function status(text) {
  const el = document.getElementById('status');
  el.textContent = text;
  el.hidden = !text;
}

/** Where to open the map: the TileJSON's bounds (the data's extent), else Dammam. */
async function initialView() {
  try {
    const res = await fetch(TILEJSON, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`${TILEJSON}: HTTP ${res.status}`);
    const tj = await res.json();
    const b = tj.bounds;
    if (Array.isArray(b) && b.length === 4 && b.every(Number.isFinite) && b[0] < b[2] && b[1] < b[3]) {
      return { bounds: [[b[0], b[1]], [b[2], b[3]]], fitBoundsOptions: { padding: 20 } };
    }
    if (Array.isArray(tj.center) && tj.center.length >= 2) {
      return { center: [tj.center[0], tj.center[1]], zoom: tj.center[2] ?? FALLBACK.zoom };
    }
  } catch (e) {
    console.warn(`the map opens on Dammam: ${e}`);
  }
  return FALLBACK;
}

/** A popup listing the public properties of what was clicked, as text (never as HTML). */
function describe(features) {
  const root = document.createElement('div');
  root.dir = 'auto';
  for (const f of features.slice(0, 3)) {
    const title = document.createElement('strong');
    const p = f.properties;
    title.textContent = (lang === 'en' ? p.name_en || p.name_ar : p.name_ar || p.name_en)
      || (p.parcel_no ? `قطعة ${p.parcel_no}` : f.sourceLayer);
    root.append(title);
    const dl = document.createElement('dl');
    for (const [k, v] of Object.entries(p)) {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = String(v);
      dl.append(dt, dd);
    }
    root.append(dl);
  }
  return root;
}

for (const a of document.querySelectorAll('nav a[data-style]')) {
  if (a.dataset.style === styleName) a.setAttribute('aria-current', 'page');
}

const map = new maplibregl.Map({
  container: 'map',
  style: `/styles/${styleName}.json`,
  ...(await initialView()),
  hash: 'at',
  attributionControl: { compact: true },
});
window.map = map;
map.addControl(new maplibregl.NavigationControl(), 'top-left');
map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
map.on('error', (e) => {
  console.error(`map error: ${e.error?.message ?? e.error ?? e}`);
});
map.on('click', (e) => {
  const features = map.queryRenderedFeatures(e.point);
  if (features.length > 0) {
    new maplibregl.Popup({ maxWidth: '320px' }).setLngLat(e.lngLat).setDOMContent(describe(features)).addTo(map);
  }
});
map.once('load', () => status(''));
