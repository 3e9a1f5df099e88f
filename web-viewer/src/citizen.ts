// "My City" for citizens: search with suggestions as one types, category chips, "open now",
// "near me" (the browser's position, else the map's centre), and the nearest places as a list
// and as markers, nearest first, with distance, opening hours and open/closed state. Everything
// comes from madinati's own APIs (`/api/search`, `/api/nearby`).

import * as maplibregl from 'maplibre-gl';
import { distance, lang, t } from './i18n';
import { el } from './ui';

/** The chips: category code, Arabic and English labels. */
const CHIPS: [string, string, string][] = [
  ['pharmacy', 'صيدلية', 'Pharmacy'],
  ['grocery', 'بقالة', 'Grocery'],
  ['bakery', 'مخبز', 'Bakery'],
  ['clinic', 'عيادة', 'Clinic'],
  ['gas_cylinders', 'غاز', 'Gas'],
  ['water_seller', 'مياه', 'Water'],
  ['fuel_station', 'وقود', 'Fuel'],
  ['mosque', 'مسجد', 'Mosque'],
];

interface Place {
  type: 'Feature';
  id: number;
  geometry: { type: string; coordinates: [number, number] };
  properties: Record<string, unknown> & { name?: string; distance_m?: number; open_now?: boolean | null };
}

interface Options {
  /** The moment "open now" is judged at (RFC 3339), for tests and planning ahead; else now. */
  at?: string | null;
}

export function citizenPanel(map: maplibregl.Map, opts: Options = {}) {
  const chips = document.getElementById('chips') as HTMLElement;
  const openNow = document.getElementById('open-now') as HTMLInputElement;
  const nearMe = document.getElementById('near-me') as HTMLButtonElement;
  const results = document.getElementById('results') as HTMLOListElement;
  const status = document.getElementById('panel-status') as HTMLElement;
  const input = document.getElementById('search') as HTMLInputElement;
  const suggestions = document.getElementById('suggestions') as HTMLUListElement;
  let markers: maplibregl.Marker[] = [];
  let centre: [number, number] | null = null;
  let asked = 0;

  for (const [code] of CHIPS) {
    const b = el('button', { type: 'button', class: 'chip', 'data-category': code, 'aria-pressed': 'false' });
    b.addEventListener('click', () => {
      b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
      void nearby();
    });
    chips.append(b);
  }

  function say(text: string) {
    status.textContent = text;
    status.hidden = !text;
  }

  function labelChips() {
    for (const b of chips.querySelectorAll<HTMLButtonElement>('.chip')) {
      const c = CHIPS.find(([code]) => code === b.dataset.category);
      if (c) b.textContent = lang() === 'ar' ? c[1] : c[2];
    }
  }

  function selected(): string[] {
    return [...chips.querySelectorAll<HTMLButtonElement>('.chip[aria-pressed="true"]')].map((b) => b.dataset.category ?? '');
  }

  function render(places: Place[]) {
    for (const m of markers) m.remove();
    markers = [];
    results.replaceChildren();
    for (const p of places) {
      const [lon, lat] = p.geometry.coordinates;
      const li = el('li', {
        'data-id': String(p.id),
        'data-distance': String(p.properties.distance_m ?? ''),
        'data-open': String(p.properties.open_now ?? ''),
        'data-category': String(p.properties.category ?? ''),
      });
      const name = el('button', { type: 'button', class: 'place', dir: 'auto' }, String(p.properties.name ?? ''));
      name.addEventListener('click', () => map.flyTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 17) }));
      const d = el('span', { class: 'distance' }, distance(Number(p.properties.distance_m ?? 0)));
      const open = p.properties.open_now;
      const state = el('span', { class: `state ${open === true ? 'open' : open === false ? 'closed' : ''}` },
        open === true ? t('open') : open === false ? t('closed') : t('noHours'));
      const hours = el('span', { class: 'hours', dir: 'ltr' }, String(p.properties.opening_hours ?? ''));
      const go = el('a', { class: 'directions', href: `geo:${lat},${lon}` }, t('directions'));
      li.append(name, d, state, go, hours);
      results.append(li);
      const marker = new maplibregl.Marker({ color: open === false ? '#8a8a8a' : '#0b6e4f' })
        .setLngLat([lon, lat])
        .addTo(map);
      marker.getElement().setAttribute('aria-label', String(p.properties.name ?? ''));
      markers.push(marker);
    }
    say(places.length === 0 ? t('none') : '');
  }

  async function nearby() {
    const [lon, lat] = centre ?? map.getCenter().toArray();
    const q = new URLSearchParams({ lon: lon.toFixed(6), lat: lat.toFixed(6), limit: '10', lang: lang() });
    const cats = selected();
    if (cats.length) q.set('category', cats.join(','));
    if (openNow.checked) q.set('open_now', 'true');
    if (opts.at) q.set('at', opts.at);
    const mine = ++asked;
    say(t('loading'));
    try {
      const res = await fetch(`/api/nearby?${q}`, { headers: { Accept: 'application/geo+json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.json();
      if (mine === asked) render(body.features as Place[]);
    } catch (e) {
      console.warn(`nearby: ${e}`);
      if (mine === asked) say(t('failed'));
    }
  }

  nearMe.addEventListener('click', () => {
    const fallback = () => {
      centre = map.getCenter().toArray() as [number, number];
      void nearby();
    };
    if (!navigator.geolocation) return fallback();
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        centre = [pos.coords.longitude, pos.coords.latitude];
        map.flyTo({ center: centre, zoom: Math.max(map.getZoom(), 15) });
        void nearby();
      },
      fallback,
      { timeout: 5000, maximumAge: 60000 },
    );
  });
  openNow.addEventListener('change', () => void nearby());

  // Search with suggestions as one types.
  let timer: number | undefined;
  let active = -1;
  let found: Place[] = [];
  function choose(i: number) {
    const f = found[i];
    if (!f) return;
    const bbox = f.properties.bbox ?? (f as unknown as { bbox?: number[] }).bbox;
    if (Array.isArray(bbox) && bbox.length === 4) {
      map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 40, maxZoom: 18 });
    } else if (f.geometry?.type === 'Point') {
      map.flyTo({ center: f.geometry.coordinates, zoom: 17 });
    }
    input.value = String(f.properties.name ?? '');
    close();
  }
  function close() {
    suggestions.replaceChildren();
    suggestions.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  }
  function highlight(i: number) {
    active = i;
    suggestions.querySelectorAll('li').forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `suggestion-${i}`);
  }
  async function suggest() {
    const text = input.value.trim();
    if (text.length < 2) return close();
    const [lon, lat] = map.getCenter().toArray();
    const q = new URLSearchParams({ q: text, lang: lang(), limit: '8', near: `${lon.toFixed(6)},${lat.toFixed(6)}` });
    try {
      const res = await fetch(`/api/search?${q}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      found = (await res.json()).features as Place[];
    } catch (e) {
      console.warn(`search: ${e}`);
      found = [];
    }
    if (input.value.trim() !== text) return;
    suggestions.replaceChildren(
      ...found.map((f, i) => {
        const li = el('li', { role: 'option', id: `suggestion-${i}`, 'aria-selected': 'false', dir: 'auto' }, String(f.properties.name ?? ''));
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          choose(i);
        });
        return li;
      }),
    );
    suggestions.hidden = found.length === 0;
    input.setAttribute('aria-expanded', String(found.length > 0));
    active = -1;
  }
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void suggest(), 200);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') highlight(Math.min(active + 1, found.length - 1));
    else if (e.key === 'ArrowUp') highlight(Math.max(active - 1, 0));
    else if (e.key === 'Enter') choose(active >= 0 ? active : 0);
    else if (e.key === 'Escape') close();
    else return;
    e.preventDefault();
  });
  input.addEventListener('blur', () => window.setTimeout(close, 150));

  labelChips();
  return {
    /** After a language switch: labels, and the list in the new language. */
    relabel() {
      labelChips();
      if (results.childElementCount > 0 || !status.hidden) void nearby();
    },
  };
}
