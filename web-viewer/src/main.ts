// The map page: MapLibre GL JS with one of madinati's styles (citizens by default,
// `?style=planners` for planners and surveyors) over the city's vector tiles, and the citizens'
// panel ("My City": search, categories, open now, the nearest places). Every asset comes from
// the madinati server that served the page. `window.map` is the MapLibre map (tests use it).
// `?lang=en` opens it in English (Arabic, right to left, by default); `?at=` judges "open now"
// at another moment.

import * as maplibregl from 'maplibre-gl';
import { citizenPanel } from './citizen';
import { type Lang, setLang } from './i18n';

const STYLES = ['citizens', 'planners'];
const TILEJSON = '/tiles/districts,plans,streets,parcels,service_points.json';
// Dammam, where the demo city is, when the server cannot say where its data is.
const FALLBACK: { center: [number, number]; zoom: number } = { center: [50.1, 26.4], zoom: 11 };

// MapLibre's worker is a file beside this script (no blob from a CDN).
maplibregl.setWorkerUrl(new URL('./maplibre-gl-worker.mjs', import.meta.url).href);

const params = new URLSearchParams(window.location.search);
const styleName = STYLES.find((s) => s === params.get('style')) ?? STYLES[0];
let lang: Lang = params.get('lang') === 'en' ? 'en' : 'ar';
setLang(lang);

function status(text: string) {
  const el = document.getElementById('status') as HTMLElement;
  el.textContent = text;
  el.hidden = !text;
}

/** Where to open the map: the TileJSON's bounds (the data's extent), else Dammam. */
async function initialView(): Promise<Partial<maplibregl.MapOptions>> {
  try {
    const res = await fetch(TILEJSON, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(`${TILEJSON}: HTTP ${res.status}`);
    const tj = await res.json();
    const b = tj.bounds;
    if (Array.isArray(b) && b.length === 4 && b.every(Number.isFinite) && b[0] < b[2] && b[1] < b[3]) {
      return { bounds: [[b[0], b[1]], [b[2], b[3]]] as maplibregl.LngLatBoundsLike, fitBoundsOptions: { padding: 20 } };
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
function describe(features: maplibregl.MapGeoJSONFeature[]) {
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

for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a[data-style]')) {
  if (a.dataset.style === styleName) a.setAttribute('aria-current', 'page');
}

const map = new maplibregl.Map({
  container: 'map',
  style: `/styles/${styleName}.json`,
  ...(await initialView()),
  hash: 'at',
  attributionControl: { compact: true },
});
(window as unknown as { map: maplibregl.Map }).map = map;
// Bottom right: the citizens' panel takes the top of the map on either side.
map.addControl(new maplibregl.NavigationControl(), 'bottom-right');
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
// When the first view is fully drawn (every tile loaded and painted), for the tests' figures.
map.once('idle', () => {
  (window as unknown as { mapIdleMs: number }).mapIdleMs = Math.round(performance.now());
});

/** The map's labels in the page's language: name_ar or name_en first. */
function labelMap() {
  const [first, second] = lang === 'en' ? ['_en', '_ar'] : ['_ar', '_en'];
  for (const layer of map.getStyle().layers ?? []) {
    if (layer.type !== 'symbol' || layer.id.startsWith('districts')) continue;
    const field = map.getLayoutProperty(layer.id, 'text-field');
    if (!field) continue;
    // The first name_xx (or category_xx) of the expression becomes the page's language, the
    // next the other one.
    const seen = new Set<string>();
    const ordered = JSON.stringify(field).replace(/"(name|category)_(ar|en)"/g, (_m, k: string) => {
      const once = !seen.has(k);
      seen.add(k);
      return `"${k}${once ? first : second}"`;
    });
    map.setLayoutProperty(layer.id, 'text-field', JSON.parse(ordered));
  }
}

const panel = citizenPanel(map, { at: params.get('at') });
const switcher = document.getElementById('lang-switch') as HTMLButtonElement;
switcher.addEventListener('click', () => {
  lang = lang === 'ar' ? 'en' : 'ar';
  setLang(lang);
  const url = new URL(window.location.href);
  url.searchParams.set('lang', lang);
  window.history.replaceState(null, '', url);
  labelMap();
  panel.relabel();
});
map.once('load', () => {
  if (lang === 'en') labelMap();
});
