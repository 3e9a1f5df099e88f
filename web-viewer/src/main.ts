// The map page: MapLibre GL JS with one of madinati's styles (citizens by default,
// `?style=planners` for planners and surveyors) over the city's vector tiles, and the panel:
// "My City" for citizens (search, categories, open now, the nearest places), what is at a tapped
// point, a parcel's history, and, once signed in, the surveyors' requests and the planners'
// review queue. Every screen has its own address (`?parcel=`, `?request=`, `?view=`; the map's
// position in `#at=`), so it can be shared. Every asset comes from the madinati server that
// served the page. `window.map` is the MapLibre map and `window.viewer` the page's state (tests
// use them). `?lang=en` opens it in English (Arabic, right to left, by default); `?at=` judges
// "open now" at another moment.

import * as maplibregl from 'maplibre-gl';
import { citizenPanel } from './citizen';
import { type Ctx, hasRole, type Route, routeFromUrl, urlOf } from './context';
import { editorView } from './editor';
import { type Lang, setLang, t } from './i18n';
import { Overlays } from './overlay';
import { historyView, identifyAt, parcelView } from './parcel';
import { myRequestsView, queueView, requestView } from './requests';
import { signInView, signOut, whoAmI } from './signin';

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
  accountButton();
  render(current);
});
map.once('load', () => {
  if (lang === 'en') labelMap();
});

// The panel's screens.
const work = document.getElementById('work') as HTMLElement;
const city = document.getElementById('city') as HTMLElement;
const account = document.getElementById('account') as HTMLButtonElement;
const tabs = [...document.querySelectorAll<HTMLButtonElement>('#tabs button')];
const ctx: Ctx = {
  map,
  overlays: new Overlays(map),
  me: await whoAmI(),
  work,
  onMapClick: null,
  go(route: Route) {
    current = route;
    window.history.pushState(null, '', urlOf(route, new URL(window.location.href)));
    render(route);
  },
  refreshTiles() {
    // The tiles' addresses get a new query, so neither MapLibre's nor the browser's cache
    // answers: the approved parcels show at once, in this page.
    const source = map.getSource('madinati') as maplibregl.VectorTileSource | undefined;
    const tiles = source?.tiles;
    if (!source || !tiles) return;
    const stamp = Date.now().toString(36);
    source.setTiles(tiles.map((u) => `${u.split('?')[0]}?v=${stamp}`));
  },
};
let current: Route = routeFromUrl(new URL(window.location.href));
(window as unknown as { viewer: unknown }).viewer = {
  ctx,
  overlays: ctx.overlays,
  get route() {
    return current;
  },
};

function accountButton() {
  account.textContent = ctx.me ? `${ctx.me.name_ar && document.documentElement.lang === 'ar' ? ctx.me.name_ar : ctx.me.name_en ?? ctx.me.username} · ${t('signOut')}` : t('signIn');
  tabs.find((b) => b.dataset.view === 'requests')!.hidden = !hasRole(ctx.me, 'surveyor');
  tabs.find((b) => b.dataset.view === 'queue')!.hidden = !hasRole(ctx.me, 'planner');
}

function render(route: Route) {
  ctx.onMapClick = null;
  const onCity = route.view === 'city';
  city.hidden = !onCity;
  work.hidden = onCity;
  for (const b of tabs) b.setAttribute('aria-pressed', String(b.dataset.view === route.view));
  if (onCity) {
    ctx.overlays.clear();
    return;
  }
  const needs = (role: string) => {
    if (hasRole(ctx.me, role)) return true;
    signInView(ctx, signedIn);
    return false;
  };
  switch (route.view) {
    case 'signin':
      signInView(ctx, signedIn);
      break;
    case 'parcel':
      if (route.parcel) void parcelView(ctx, route.parcel);
      break;
    case 'history':
      if (route.parcel) void historyView(ctx, route.parcel);
      break;
    case 'requests':
      if (needs('surveyor')) void myRequestsView(ctx);
      break;
    case 'queue':
      if (needs('planner')) void queueView(ctx);
      break;
    case 'request':
      if (!ctx.me) signInView(ctx, signedIn);
      else if (route.request) void requestView(ctx, route.request);
      break;
    case 'new':
      ctx.overlays.clear();
      if (needs('surveyor')) void editorView(ctx, route);
      break;
  }
  work.querySelector<HTMLElement>('h2')?.focus({ preventScroll: true });
}

function signedIn(me: NonNullable<Ctx['me']>) {
  ctx.me = me;
  accountButton();
  // Back to the screen that asked for a sign-in, else the user's own list.
  if (current.view === 'signin' || current.view === 'city') {
    ctx.go({ view: hasRole(me, 'planner') ? 'queue' : hasRole(me, 'surveyor') ? 'requests' : 'city' });
  } else render(current);
}

account.addEventListener('click', async () => {
  if (ctx.me) {
    await signOut();
    ctx.me = null;
    accountButton();
    ctx.go({ view: 'city' });
  } else ctx.go({ view: 'signin' });
});
for (const b of tabs) b.addEventListener('click', () => ctx.go({ view: b.dataset.view as Route['view'] }));
window.addEventListener('popstate', () => {
  current = routeFromUrl(new URL(window.location.href));
  render(current);
});
map.on('click', (e) => {
  const at: [number, number] = [e.lngLat.lng, e.lngLat.lat];
  if (ctx.onMapClick) ctx.onMapClick(at);
  else void identifyAt(ctx, at);
});
accountButton();
render(current);
