// A surveyor's new subdivision or merge, or the amendment of a returned one: pick the parcel(s)
// on the map, draw the dividing lines (or upload a GeoJSON file of the proposed parcels), number
// the parts, and see the server's checks (`/api/requests/check`) after every change, the failing
// parts shaded red on the map; submit when every check passes.

import { api, ApiFailure } from './api';
import type { Ctx, Route } from './context';
import { areaM2, cut, merge, type Pt, type Ring } from './geometry';
import { type Fc, EMPTY } from './overlay';
import { lang, named, number, squareMetres, t } from './i18n';
import { button, el, titled } from './ui';

type Feature = GeoJSON.Feature<GeoJSON.Geometry, Record<string, unknown>> & { id?: number };

export interface Check {
  code: string;
  passed: boolean;
  message_ar: string;
  message_en: string;
  detail?: Record<string, unknown>;
  acceptable?: boolean;
}

interface Amending {
  id: number;
  proposed: Fc;
  note?: string | null;
}

/** The indexes of proposed parcels a failed check names, and the problem areas it outlines.
 * A detail that lists every child with a `failing` list beside it (street frontage) names the
 * failing ones there; otherwise every child a failed check's detail refers to by `index` fails. */
export function failingParts(checks: Check[]): { children: Set<number>; pieces: Feature[] } {
  const out = { children: new Set<number>(), pieces: [] as Feature[] };
  const collect = (v: unknown, numbersAreIndexes: boolean): void => {
    if (typeof v === 'number') {
      if (numbersAreIndexes && Number.isInteger(v)) out.children.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) collect(x, numbersAreIndexes);
    } else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.index === 'number') out.children.add(o.index);
      if (o.geometry && typeof o.geometry === 'object') {
        out.pieces.push({ type: 'Feature', properties: {}, geometry: o.geometry as GeoJSON.Geometry });
      }
      for (const [k, x] of Object.entries(o)) if (k !== 'geometry' && k !== 'streets' && k !== 'index') collect(x, false);
    }
  };
  for (const c of checks) {
    if (c.passed || !c.detail) continue;
    if (Array.isArray(c.detail.failing)) collect(c.detail.failing, true);
    else collect(c.detail, false);
  }
  return out;
}

/** One check as a list item: passed or failed, with the server's message in the page's language. */
export function checkItem(c: Check): HTMLLIElement {
  return el(
    'li',
    { class: c.passed ? 'passed' : 'failed', 'data-code': c.code },
    el('span', { class: 'mark', 'aria-hidden': 'true' }, c.passed ? '✓' : '✗'),
    el('strong', {}, c.code),
    ' ',
    el('span', { class: 'visually-hidden' }, c.passed ? '(passed) ' : '(failed) '),
    lang() === 'ar' ? c.message_ar : c.message_en,
  );
}

export async function editorView(ctx: Ctx, route: Route, amending?: Amending): Promise<void> {
  const kind = route.kind ?? 'subdivision';
  const parents: Feature[] = [];
  for (const fid of route.parcels ?? []) {
    try {
      parents.push(await api<Feature>(`/collections/parcels/items/${fid}`));
    } catch (e) {
      console.warn(`parcel ${fid}: ${e}`);
    }
  }
  let lines: [Pt, Pt][] = [];
  let pending: Pt | null = null;
  let uploaded: Ring[] | null = amending ? ringsOf(amending.proposed) : null;
  let numbers: string[] = amending ? amending.proposed.features.map((f) => String(f.properties?.parcel_no ?? '')) : [];
  let touched = new Set<number>(amending ? numbers.map((_, i) => i) : []);
  let checks: Check[] = [];
  let passed = false;
  let asked = 0;
  let timer: number | undefined;

  const hint = el('p', { id: 'editor-hint', class: 'hint', 'aria-live': 'polite' });
  const picked = el('p', { id: 'editor-parcels' });
  const parts = el('ol', { id: 'editor-children', class: 'children' });
  const checkList = el('ul', { id: 'editor-checks', class: 'checks', 'aria-live': 'polite' });
  const verdict = el('p', { id: 'editor-verdict', role: 'status' });
  const note = el('textarea', { id: 'editor-note', rows: '2' }) as HTMLTextAreaElement;
  note.value = amending?.note ?? '';
  const file = el('input', { id: 'editor-file', type: 'file', accept: '.geojson,.json,.dxf,.zip,application/geo+json,application/json' });
  const submit = el('button', { type: 'button', id: 'editor-submit', class: 'primary', disabled: '' }, amending ? t('resubmit') : t('submit'));
  const problem = el('p', { class: 'problem', role: 'alert', hidden: '' });

  const parentRings = () => parents.map((p) => (p.geometry.type === 'Polygon' ? (p.geometry.coordinates as Ring[]) : []));
  /** The proposed parcels' outer rings as drawn now. */
  const pieces = (): Ring[] => {
    if (uploaded) return uploaded;
    if (kind === 'merge') return parents.length ? merge(parentRings()).map((poly) => poly[0]) : [];
    const outer = parentRings()[0]?.[0];
    return outer ? cut(outer, lines) : [];
  };
  const baseNo = () => String(parents[0]?.properties.parcel_no ?? '');
  const defaultNo = (i: number, n: number) => (kind === 'merge' ? baseNo() : n > 1 ? `${baseNo()}-${i + 1}` : baseNo());

  const proposal = (): Fc => {
    const ps = pieces();
    numbers = ps.map((_, i) => (touched.has(i) && numbers[i] !== undefined ? numbers[i] : defaultNo(i, ps.length)));
    return {
      type: 'FeatureCollection',
      features: ps.map((ring, i) => ({ type: 'Feature', properties: { parcel_no: numbers[i] }, geometry: { type: 'Polygon', coordinates: [ring] } })),
    };
  };
  const body = () => ({ kind, parcels: parents.map((p) => Number(p.id)), proposed: proposal(), note: note.value.trim() || undefined });

  const drawMap = () => {
    const prop = proposal();
    const failing = failingParts(checks);
    prop.features.forEach((f, i) => {
      if (f.properties) f.properties.failing = failing.children.has(i);
    });
    ctx.overlays.set('picked', { type: 'FeatureCollection', features: parents });
    ctx.overlays.set('proposal', prop);
    ctx.overlays.set('problems', { type: 'FeatureCollection', features: failing.pieces });
    const lineFeatures: Feature[] = lines.map(([a, b]) => ({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: [a, b] } }));
    const points: Feature[] = (pending ? [pending] : []).map((p) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: p } }));
    ctx.overlays.set('lines', { type: 'FeatureCollection', features: [...lineFeatures, ...points] });
    (window as unknown as { editorState?: unknown }).editorState = { lines: lines.length, parts: prop.features.length, passed, failing: [...failing.children] };
  };

  const renderParts = () => {
    const prop = proposal();
    const failing = failingParts(checks).children;
    parts.replaceChildren(
      ...prop.features.map((f, i) => {
        const ring = (f.geometry as GeoJSON.Polygon).coordinates[0] as Ring;
        const id = `child-no-${i}`;
        const input = el('input', { id, value: numbers[i], dir: 'ltr', size: '8', 'data-index': String(i) });
        input.addEventListener('change', () => {
          numbers[i] = input.value.trim();
          touched.add(i);
          schedule();
        });
        return el(
          'li',
          { class: failing.has(i) ? 'failing' : '' },
          el('label', { for: id }, `${t('childNo')} ${number(i + 1)}`),
          input,
          el('span', { class: 'area' }, `≈ ${squareMetres(areaM2(ring))}`),
        );
      }),
    );
  };

  const renderChecks = () => {
    checkList.replaceChildren(...checks.map(checkItem));
    verdict.textContent = checks.length === 0 ? '' : passed ? t('allPassed') : t('someFailed');
    verdict.className = passed ? 'verdict ok' : 'verdict bad';
    if (passed) submit.removeAttribute('disabled');
    else submit.setAttribute('disabled', '');
  };

  const runChecks = async () => {
    const mine = ++asked;
    passed = false;
    submit.setAttribute('disabled', '');
    // Nothing to check until there is something to propose: two parts of a parcel, or two
    // parcels to merge (or an uploaded file).
    const enough = uploaded ? pieces().length > 0 : kind === 'merge' ? parents.length >= 2 : parents.length === 1 && pieces().length >= 2;
    if (!enough) {
      checks = [];
      renderChecks();
      drawMap();
      return;
    }
    verdict.textContent = t('checking');
    try {
      const r = await api<{ passed: boolean; checks: Check[] }>('/api/requests/check', { json: body() });
      if (mine !== asked) return;
      checks = r.checks;
      passed = r.passed;
    } catch (e) {
      if (mine !== asked) return;
      checks = [];
      verdict.textContent = `${t('error')}: ${e instanceof ApiFailure ? e.description : e}`;
    }
    renderParts();
    renderChecks();
    drawMap();
  };
  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void runChecks(), 150);
  };
  const changed = (renumber = true) => {
    if (renumber) touched = new Set();
    checks = [];
    renderParts();
    renderChecks();
    drawMap();
    updateHint();
    schedule();
  };
  const updateHint = () => {
    picked.textContent = parents.length
      ? `${t('parcel')}: ${parents.map((p) => String(p.properties.parcel_no ?? p.id)).join('، ')}`
      : '';
    hint.textContent = parents.length === 0 || (kind === 'merge' && !uploaded)
      ? (kind === 'merge' ? t('pickParcelsMerge') : t('pickParcels'))
      : pending ? t('drawNext') : t('drawLines');
  };

  // The map's clicks: pick parcels first (a merge keeps picking), then draw.
  ctx.onMapClick = async (at) => {
    if (kind === 'subdivision' && parents.length === 1 && !uploaded) {
      if (!pending) pending = at;
      else {
        lines.push([pending, at]);
        pending = null;
      }
      changed();
      return;
    }
    try {
      const q = new URLSearchParams({ lon: at[0].toFixed(7), lat: at[1].toFixed(7) });
      const found = await api<{ parcel: Feature | null }>(`/api/identify?${q}`);
      const fid = Number(found.parcel?.id);
      if (!fid) return;
      const i = parents.findIndex((p) => Number(p.id) === fid);
      if (i >= 0) parents.splice(i, 1);
      else parents.push(await api<Feature>(`/collections/parcels/items/${fid}`));
      if (kind === 'subdivision') parents.splice(0, parents.length - 1);
      replaceUrl();
      changed();
    } catch (e) {
      console.warn(`pick: ${e}`);
    }
  };
  const replaceUrl = () => {
    const url = new URL(window.location.href);
    if (!amending) url.searchParams.set('parcels', parents.map((p) => p.id).join(','));
    window.history.replaceState(null, '', url);
  };

  // GeoJSON is read here; a DXF or a zipped Shapefile from a CAD office is read by the server
  // (`/api/requests/proposal-file`, UTM 39N unless the file says otherwise).
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    problem.hidden = true;
    try {
      const geojson = /\.(geo)?json$/i.test(f.name);
      let fc: Fc;
      if (geojson) {
        fc = JSON.parse(await f.text()) as Fc;
      } else {
        const data = new FormData();
        data.append('file', f, f.name);
        fc = await api<Fc>('/api/requests/proposal-file', { form: data });
      }
      const rings = ringsOf(fc);
      if (!rings.length) throw new Error(t('badFile'));
      uploaded = rings;
      lines = [];
      pending = null;
      changed();
      // The file's own parcel numbers, where it has them.
      fc.features.forEach((feature, i) => {
        const no = feature.properties?.parcel_no;
        if (typeof no === 'string' && no) {
          numbers[i] = no;
          touched.add(i);
        }
      });
      renderParts();
      schedule();
      ctx.overlays.fit('proposal');
    } catch (err) {
      problem.textContent = err instanceof ApiFailure ? err.description : t('badFile');
      problem.hidden = false;
    }
  });

  submit.addEventListener('click', async () => {
    submit.setAttribute('disabled', '');
    problem.hidden = true;
    try {
      const r = amending
        ? await api<{ id: number }>(`/api/requests/${amending.id}`, { method: 'PUT', json: body() })
        : await api<{ id: number }>('/api/requests', { json: body() });
      ctx.onMapClick = null;
      ctx.overlays.clear('lines', 'problems');
      ctx.go({ view: 'request', request: r.id });
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 422) {
        checks = (e.body as { checks?: Check[] })?.checks ?? [];
        passed = false;
        renderChecks();
        drawMap();
      }
      problem.textContent = e instanceof ApiFailure ? e.description : String(e);
      problem.hidden = false;
      if (!(e instanceof ApiFailure && e.status === 422)) submit.removeAttribute('disabled');
    }
  });

  const tools = el(
    'div',
    { class: 'actions' },
    kind === 'subdivision'
      ? button(t('undoLine'), () => {
          if (pending) pending = null;
          else lines.pop();
          changed();
        }, { id: 'editor-undo' })
      : null,
    kind === 'subdivision'
      ? button(t('clearLines'), () => {
          lines = [];
          pending = null;
          uploaded = null;
          changed();
        }, { id: 'editor-clear' })
      : null,
  );
  const title = amending ? `${t('amend')} · ${t('request')} ${amending.id}` : kind === 'merge' ? t('newMerge') : t('newSplit');
  ctx.work.replaceChildren(
    titled(title, { label: t('back'), go: () => ctx.go(amending ? { view: 'request', request: amending.id } : { view: 'requests' }) }),
    el('p', { class: 'kind' }, named(kind)),
    picked,
    hint,
    tools,
    verdict,
    el('h3', {}, t('children')),
    parts,
    el('h3', {}, t('checks')),
    checkList,
    el('label', { for: 'editor-file', class: 'file' }, t('upload')),
    file,
    el('label', { for: 'editor-note' }, t('note')),
    note,
    submit,
    problem,
  );
  ctx.overlays.clear('before', 'history');
  if (parents.length) {
    ctx.overlays.set('picked', { type: 'FeatureCollection', features: parents });
    ctx.overlays.fit('picked');
  }
  changed(!amending);
}

/** The outer rings of a FeatureCollection's polygons. */
function ringsOf(fc: Fc): Ring[] {
  const out: Ring[] = [];
  for (const f of fc?.features ?? EMPTY.features) {
    const g = f.geometry;
    if (g?.type === 'Polygon') out.push(g.coordinates[0] as Ring);
    else if (g?.type === 'MultiPolygon') for (const p of g.coordinates) out.push(p[0] as Ring);
  }
  return out;
}
