// A place on the map: tapping identifies the district, plan and parcel there (`/api/identify`);
// a parcel has its own shareable address (`?parcel=FID`), its lineage as a list and a time slider
// that replays the register around it (`/collections/parcels/items?datetime=`).

import { api, ApiFailure } from './api';
import { type Ctx, hasRole } from './context';
import { extend, type Fc } from './overlay';
import { distance, lang, named, squareMetres, t, when } from './i18n';
import { button, el, facts, titled } from './ui';

type Feature = GeoJSON.Feature<GeoJSON.Geometry, Record<string, unknown>> & { id?: number };

interface Identified {
  district: Feature | null;
  plan: Feature | null;
  parcel: Feature | null;
  nearest_street: Feature | null;
}

interface Edge {
  fid: number;
  parent: number;
  child: number;
  kind: string;
  request: number | null;
  at: string;
  generation: number;
}

const name = (f: Feature | null) =>
  f ? String((lang() === 'en' ? f.properties.name_en || f.properties.name_ar : f.properties.name_ar || f.properties.name_en) ?? '') : null;

const fc = (features: Feature[]): Fc => ({ type: 'FeatureCollection', features });

/** Tapping the map: what is there. */
export async function identifyAt(ctx: Ctx, at: [number, number]): Promise<void> {
  ctx.work.replaceChildren(el('p', { class: 'loading' }, t('working')));
  try {
    const q = new URLSearchParams({ lon: at[0].toFixed(7), lat: at[1].toFixed(7), lang: lang() });
    const found = await api<Identified>(`/api/identify?${q}`);
    if (found.parcel?.id) return ctx.go({ view: 'parcel', parcel: Number(found.parcel.id) });
    ctx.overlays.set('picked', fc([found.plan, found.district].filter((f): f is Feature => !!f).slice(0, 1)));
    ctx.work.replaceChildren(
      titled(name(found.plan) || name(found.district) || t('nothingHere'), { label: t('back'), go: () => ctx.go({ view: 'city' }) }),
      placeFacts(found),
    );
  } catch (e) {
    failed(ctx, e);
  }
}

function placeFacts(found: Identified): HTMLDListElement {
  const p = found.parcel?.properties ?? {};
  const plan = found.plan?.properties ?? {};
  return facts([
    [t('district'), name(found.district)],
    [t('plan'), String(plan.plan_no ?? p.plan_no ?? '') || null],
    [t('block'), p.block_no ? String(p.block_no) : null],
    [t('parcel'), p.parcel_no ? String(p.parcel_no) : null],
    [t('landUse'), p.land_use ? named(String(p.land_use)) : null],
    [t('area'), typeof p.area_m2 === 'number' ? squareMetres(p.area_m2, 1) : null],
    [t('since'), typeof p.valid_from === 'string' ? when(p.valid_from) : null],
    [t('street'), found.nearest_street ? `${name(found.nearest_street)} (${distance(Number(found.nearest_street.properties.distance_m ?? 0))})` : null],
  ]);
}

function failed(ctx: Ctx, e: unknown) {
  ctx.work.replaceChildren(
    titled(t('error'), { label: t('back'), go: () => ctx.go({ view: 'city' }) }),
    el('p', { class: 'problem', role: 'alert' }, e instanceof ApiFailure ? e.description : String(e)),
  );
}

/** A point inside a (convex enough) polygon's outer ring: the mean of its corners. */
function inside(f: Feature): [number, number] | null {
  const g = f.geometry;
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.type === 'MultiPolygon' ? g.coordinates[0][0] : null;
  if (!ring || ring.length < 2) return null;
  const pts = ring.slice(0, -1);
  return [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];
}

interface Lineage {
  ancestors: Edge[];
  descendants: Edge[];
}

/** A parcel as it is, or as it last was if an approval retired it (then `retired` says when). */
async function parcelAndLineage(fid: number): Promise<{ f: Feature; retired: string | null; lineage: Lineage }> {
  const lineage = await api<Lineage>(`/api/parcels/${fid}/lineage`);
  const ends = lineage.descendants.filter((e) => e.parent === fid).map((e) => Date.parse(e.at)).filter(Number.isFinite);
  if (ends.length) {
    const end = Math.min(...ends);
    const q = new URLSearchParams({ datetime: new Date(end - 1000).toISOString() });
    return { f: await api<Feature>(`/collections/parcels/items/${fid}?${q}`), retired: new Date(end).toISOString(), lineage };
  }
  return { f: await api<Feature>(`/collections/parcels/items/${fid}`), retired: null, lineage };
}

/** `?parcel=FID`: the parcel, its district and plan, and what may be done with it. */
export async function parcelView(ctx: Ctx, fid: number): Promise<void> {
  ctx.work.replaceChildren(el('p', { class: 'loading' }, t('working')));
  try {
    const { f, retired } = await parcelAndLineage(fid);
    ctx.overlays.clear('proposal', 'before', 'problems', 'lines', 'history');
    ctx.overlays.set('picked', fc([f]));
    const at = inside(f);
    let found: Identified = { district: null, plan: null, parcel: f, nearest_street: null };
    if (at) {
      const q = new URLSearchParams({ lon: at[0].toFixed(7), lat: at[1].toFixed(7), lang: lang() });
      found = { ...(await api<Identified>(`/api/identify?${q}`)), parcel: f };
    }
    const b = extend(null, fc([f]));
    if (b && (ctx.map.getZoom() < 16 || !ctx.map.getBounds().contains([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2]))) {
      ctx.map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 80, maxZoom: 18, duration: 0 });
    }
    const actions = el('div', { class: 'actions' });
    actions.append(button(t('history'), () => ctx.go({ view: 'history', parcel: fid })));
    if (hasRole(ctx.me, 'surveyor') && !retired) {
      actions.append(button(t('subdivideThis'), () => ctx.go({ view: 'new', kind: 'subdivision', parcels: [fid] })));
    }
    actions.append(shareButton());
    ctx.work.replaceChildren(
      titled(`${t('parcel')} ${String(f.properties.parcel_no ?? fid)}`, { label: t('back'), go: () => ctx.go({ view: 'city' }) }),
      placeFacts(found),
      ...(retired ? [el('p', { class: 'retired', id: 'parcel-retired' }, `${t('retired')} ${when(retired)}`)] : []),
      actions,
    );
  } catch (e) {
    failed(ctx, e);
  }
}

/** Copies the page's address (the screen, the feature and the map's position). */
export function shareButton(): HTMLButtonElement {
  const b = button(t('share'), () => {
    void navigator.clipboard?.writeText(window.location.href).then(
      () => (b.textContent = t('copied')),
      () => undefined,
    );
  });
  return b;
}

/** `?view=history&parcel=FID`: lineage as a list and a slider over the register's moments. */
export async function historyView(ctx: Ctx, fid: number): Promise<void> {
  ctx.work.replaceChildren(el('p', { class: 'loading' }, t('working')));
  try {
    const { f, lineage } = await parcelAndLineage(fid);
    const edges = [...lineage.ancestors, ...lineage.descendants];
    // The moments the register changed around this parcel: just before and at each change, then now.
    const moments = new Set<number>();
    for (const e of edges) {
      const at = Date.parse(e.at);
      if (Number.isFinite(at)) moments.add(at - 1000).add(at);
    }
    const since = typeof f?.properties.valid_from === 'string' ? Date.parse(f.properties.valid_from) : NaN;
    if (Number.isFinite(since)) moments.add(since);
    const now = Date.now();
    moments.add(now);
    const stops = [...moments].filter((m) => m <= now).sort((a, b) => a - b);

    const list = el('ol', { id: 'history-parcels', class: 'history-parcels', 'aria-live': 'polite' });
    const label = el('output', { id: 'history-at', for: 'history-slider' });
    const slider = el('input', {
      id: 'history-slider', type: 'range', min: '0', max: String(stops.length - 1), step: '1', value: String(stops.length - 1),
    });
    const bbox = extend(null, fc([f]));
    ctx.overlays.clear('proposal', 'before', 'problems', 'lines');
    ctx.overlays.set('picked', fc([f]));
    if (bbox) ctx.map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 120, maxZoom: 18, duration: 0 });
    const grow = (b: [number, number, number, number]) => {
      const dx = (b[2] - b[0]) * 0.5 + 1e-4;
      const dy = (b[3] - b[1]) * 0.5 + 1e-4;
      return [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy].map((v) => v.toFixed(7)).join(',');
    };
    let asked = 0;
    const show = async () => {
      const at = new Date(stops[Number(slider.value)]);
      label.textContent = when(at.toISOString());
      slider.setAttribute('aria-valuetext', label.textContent);
      if (!bbox) return;
      const mine = ++asked;
      const q = new URLSearchParams({ bbox: grow(bbox), datetime: at.toISOString(), limit: '500' });
      try {
        const page = await api<Fc>(`/collections/parcels/items?${q}`);
        if (mine !== asked) return;
        ctx.overlays.set('history', page);
        list.replaceChildren(
          ...page.features.map((p) =>
            el('li', { 'data-fid': String(p.id) }, `${t('parcel')} ${String(p.properties?.parcel_no ?? p.id)}`),
          ),
        );
        (window as unknown as { historyShown?: unknown }).historyShown = { at: at.toISOString(), fids: page.features.map((p) => p.id) };
      } catch (e) {
        list.replaceChildren(el('li', { class: 'problem' }, e instanceof ApiFailure ? e.description : String(e)));
      }
    };
    slider.addEventListener('input', () => void show());

    const lineageList = el('ul', { class: 'lineage' });
    for (const [title, group] of [[t('ancestors'), lineage.ancestors], [t('descendants'), lineage.descendants]] as const) {
      for (const e of group) {
        const a = el('a', { href: `?parcel=${e.fid}`, 'data-fid': String(e.fid) }, `${t('parcel')} ${e.fid}`);
        a.addEventListener('click', (ev) => {
          ev.preventDefault();
          ctx.go({ view: 'parcel', parcel: e.fid });
        });
        lineageList.append(el('li', {}, `${title}: `, a, ` · ${e.kind} · ${when(e.at)}${e.request ? ` · ${t('request')} ${e.request}` : ''}`));
      }
    }
    if (!edges.length) lineageList.append(el('li', {}, t('noLineage')));
    ctx.work.replaceChildren(
      titled(`${t('history')} · ${String(f?.properties.parcel_no ?? fid)}`, { label: t('back'), go: () => ctx.go({ view: 'parcel', parcel: fid }) }),
      el('label', { for: 'history-slider', class: 'slider-label' }, t('historyAt')),
      slider,
      label,
      list,
      el('h3', {}, t('lineage')),
      lineageList,
    );
    await show();
  } catch (e) {
    failed(ctx, e);
  }
}
