// Land requests in the panel: a surveyor's own ("my requests"), the planners' review queue with
// its filters (kind, state, district, age), and one request: the map before and after, its
// checks, documents, owners (for those the server shows them to), history, and what the signed-in
// user may do next (amend, withdraw, take, approve, return, reject). The server decides who may
// do what; buttons only follow its rules.

import { api, ApiFailure } from './api';
import { type Ctx, hasRole } from './context';
import { checkItem, type Check, editorView, failingParts } from './editor';
import { type Fc } from './overlay';
import { lang, named, number, t, when } from './i18n';
import { button, el, facts, titled } from './ui';

interface District {
  id: number;
  name_ar?: string | null;
  name_en?: string | null;
}

interface Summary {
  id: number;
  kind: string;
  status: string;
  submitted_by: number;
  surveyor: number | null;
  reviewer: number | null;
  parcels: number[];
  created: number[];
  retired: number[];
  note: string | null;
  created_at: string;
  updated_at: string;
  serial: string | null;
  district?: District | null;
}

interface Detail extends Summary {
  proposed: Fc | null;
  checks: Check[] | null;
  history: { from: string | null; to: string; actor: number; role: string; at: string; comment: string | null }[];
  owners?: { parcel: number; name: string; national_id: string }[];
  details?: Record<string, unknown>;
}

interface Document {
  id: number;
  file_name: string;
  title: string | null;
  media_type: string;
  size_bytes: number;
  uploaded_at: string;
  url: string;
}

const districtName = (d?: District | null) => (d ? String((lang() === 'en' ? d.name_en || d.name_ar : d.name_ar || d.name_en) ?? '') : '');

function ageDays(iso: string): number {
  return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 86_400_000));
}

function problem(e: unknown): HTMLElement {
  return el('p', { class: 'problem', role: 'alert' }, e instanceof ApiFailure ? e.description : String(e));
}

function row(ctx: Ctx, r: Summary): HTMLLIElement {
  const days = ageDays(r.created_at);
  const open = el('a', { href: `?request=${r.id}`, class: 'request-link' }, `${t('request')} ${number(r.id)} · ${named(r.kind)}`);
  open.addEventListener('click', (e) => {
    e.preventDefault();
    ctx.go({ view: 'request', request: r.id });
  });
  return el(
    'li',
    { 'data-id': String(r.id), 'data-status': r.status, 'data-kind': r.kind },
    open,
    el('span', { class: `badge status-${r.status}` }, named(r.status)),
    el('span', { class: 'meta' }, [districtName(r.district), days === 0 ? t('today') : `${number(days)} ${t('days')}`].filter(Boolean).join(' · ')),
  );
}

/** `?view=requests`: the signed-in surveyor's requests, newest first. */
export async function myRequestsView(ctx: Ctx): Promise<void> {
  const list = el('ul', { id: 'request-list', class: 'requests' });
  ctx.work.replaceChildren(
    titled(t('tabRequests')),
    el(
      'div',
      { class: 'actions' },
      button(t('newSplit'), () => ctx.go({ view: 'new', kind: 'subdivision' }), { id: 'new-split' }),
      button(t('newMerge'), () => ctx.go({ view: 'new', kind: 'merge' }), { id: 'new-merge' }),
    ),
    list,
  );
  list.replaceChildren(el('li', { class: 'loading' }, t('working')));
  try {
    const r = await api<{ requests: Summary[] }>('/api/requests');
    const rs = r.requests.sort((a, b) => b.id - a.id);
    list.replaceChildren(...(rs.length ? rs.map((x) => row(ctx, x)) : [el('li', {}, t('noRequests'))]));
  } catch (e) {
    list.replaceChildren(el('li', {}, problem(e)));
  }
}

/** `?view=queue`: the planners' queue, oldest first, with filters kept in the address. */
export async function queueView(ctx: Ctx): Promise<void> {
  const url = new URL(window.location.href);
  const select = (id: string, options: [string, string][], value: string) => {
    const s = el('select', { id });
    for (const [v, label] of options) {
      const o = el('option', { value: v }, label);
      if (v === value) o.selected = true;
      s.append(o);
    }
    return s;
  };
  const kinds = ['subdivision', 'merge', 'deed_update', 'survey_sketch', 'plan_approval'];
  const states = ['submitted', 'in_review', 'technical_approved', 'returned', 'requested', 'approved', 'rejected', 'withdrawn'];
  const kind = select('q-kind', [['', t('any')], ...kinds.map((k) => [k, named(k)] as [string, string])], url.searchParams.get('kind') ?? '');
  const status = select('q-status', [['', t('any')], ...states.map((k) => [k, named(k)] as [string, string])], url.searchParams.get('status') ?? 'submitted');
  const district = select('q-district', [['', t('any')]], url.searchParams.get('district') ?? '');
  const age = select('q-age', [['', t('any')], ['1', t('olderThan1')], ['7', t('olderThan7')], ['30', t('olderThan30')]], url.searchParams.get('older_than_days') ?? '');
  const list = el('ul', { id: 'request-list', class: 'requests' });
  const field = (label: string, s: HTMLSelectElement) => el('div', { class: 'field' }, el('label', { for: s.id }, label), s);
  ctx.work.replaceChildren(
    titled(t('tabQueue')),
    el('fieldset', { class: 'filters' }, el('legend', {}, t('filters')), field(t('kind'), kind), field(t('status'), status), field(t('district'), district), field(t('age'), age)),
    list,
  );
  try {
    const ds = await api<Fc>('/collections/districts/items?limit=200');
    for (const d of ds.features) {
      const o = el('option', { value: String(d.id) }, districtName({ id: Number(d.id), ...(d.properties as object) }));
      if (String(d.id) === district.dataset.want || String(d.id) === (url.searchParams.get('district') ?? '')) o.selected = true;
      district.append(o);
    }
  } catch (e) {
    console.warn(`districts: ${e}`);
  }
  const load = async () => {
    const q = new URLSearchParams();
    if (kind.value) q.set('kind', kind.value);
    if (status.value) q.set('status', status.value);
    if (district.value) q.set('district', district.value);
    if (age.value) q.set('older_than_days', age.value);
    const here = new URL(window.location.href);
    for (const k of ['kind', 'status', 'district', 'older_than_days']) {
      if (q.get(k)) here.searchParams.set(k, q.get(k) ?? '');
      else here.searchParams.delete(k);
    }
    if (!status.value) here.searchParams.set('status', '');
    window.history.replaceState(null, '', here);
    list.replaceChildren(el('li', { class: 'loading' }, t('working')));
    try {
      const r = await api<{ requests: Summary[] }>(`/api/requests?${q}`);
      const rs = r.requests.sort((a, b) => a.id - b.id);
      list.replaceChildren(...(rs.length ? rs.map((x) => row(ctx, x)) : [el('li', {}, t('noRequests'))]));
    } catch (e) {
      list.replaceChildren(el('li', {}, problem(e)));
    }
  };
  for (const s of [kind, status, district, age]) s.addEventListener('change', () => void load());
  await load();
}

/** `?request=ID`: one request, and what the signed-in user may do with it. */
export async function requestView(ctx: Ctx, id: number): Promise<void> {
  ctx.work.replaceChildren(el('p', { class: 'loading' }, t('working')));
  let r: Detail;
  try {
    r = await api<Detail>(`/api/requests/${id}`);
  } catch (e) {
    ctx.work.replaceChildren(titled(`${t('request')} ${id}`, { label: t('back'), go: () => ctx.go({ view: 'city' }) }), problem(e));
    return;
  }
  const me = ctx.me;
  const mine = !!me && (r.submitted_by === me.id || r.surveyor === me.id);
  const planner = hasRole(me, 'planner');
  const backTo = planner && !mine ? 'queue' : 'requests';

  // The map: the parcels before (outlined), the proposal after (filled, failing parts red).
  // Parcels this request's approval retired are drawn as they were just before it.
  const approvedAt = r.history.find((e) => e.to === 'approved')?.at;
  const before: GeoJSON.Feature[] = [];
  for (const fid of r.parcels) {
    const q = approvedAt && r.retired.includes(fid) ? `?${new URLSearchParams({ datetime: new Date(Date.parse(approvedAt) - 1000).toISOString() })}` : '';
    try {
      before.push(await api<GeoJSON.Feature>(`/collections/parcels/items/${fid}${q}`));
    } catch (e) {
      console.warn(`parcel ${fid}: ${e}`);
    }
  }
  const after: Fc = r.proposed && r.proposed.type === 'FeatureCollection' ? r.proposed : { type: 'FeatureCollection', features: [] };
  const failing = failingParts(r.checks ?? []);
  ctx.overlays.clear('lines', 'history', 'picked');
  ctx.overlays.set('before', { type: 'FeatureCollection', features: before });
  ctx.overlays.set('proposal', {
    type: 'FeatureCollection',
    features: after.features.map((f, i) => ({ ...f, properties: { ...(f.properties ?? {}), failing: failing.children.has(i) } })),
  });
  ctx.overlays.set('problems', { type: 'FeatureCollection', features: failing.pieces });
  ctx.overlays.fit('before', 'proposal');

  const parcelLinks = (fids: number[]) => {
    const span = el('span', { class: 'parcel-links' });
    for (const fid of fids) {
      const a = el('a', { href: `?parcel=${fid}`, 'data-fid': String(fid) }, String(fid));
      a.addEventListener('click', (e) => {
        e.preventDefault();
        ctx.go({ view: 'parcel', parcel: fid });
      });
      span.append(a, ' ');
    }
    return span;
  };
  const info = facts([
    [t('status'), named(r.status)],
    [t('kind'), named(r.kind)],
    [t('district'), districtName(r.district)],
    [t('submitted'), when(r.created_at)],
    [t('note'), r.note],
    ['Serial', r.serial],
  ]);
  if (r.parcels.length) info.append(el('dt', {}, t('before')), el('dd', {}, parcelLinks(r.parcels)));
  if (r.created.length) info.append(el('dt', {}, t('created')), el('dd', { id: 'created-parcels' }, parcelLinks(r.created)));

  const sections: (HTMLElement | null)[] = [
    titled(`${named(r.kind)} · ${t('request')} ${number(r.id)}`, { label: t('back'), go: () => ctx.go({ view: backTo }) }),
    el('p', {}, el('span', { id: 'request-status', class: `badge status-${r.status}`, 'data-status': r.status }, named(r.status))),
    info,
    el('p', { class: 'legend' }, el('span', { class: 'key before' }, t('before')), ' ', el('span', { class: 'key after' }, t('after'))),
    actions(ctx, r, mine, planner),
    el('h3', {}, t('checks')),
    el('ul', { class: 'checks', id: 'request-checks' }, ...(r.checks ?? []).map(checkItem)),
  ];
  if (r.owners) {
    sections.push(el('h3', {}, t('owners')), el('ul', { class: 'owners' }, ...r.owners.map((o) => el('li', { dir: 'auto' }, `${o.name} · ${o.national_id} · ${t('parcel')} ${o.parcel}`))));
  }
  if (r.serial) {
    sections.push(el('p', {}, el('a', { href: `/api/requests/${r.id}/sketch.pdf?lang=${lang()}`, download: '', id: 'sketch-link' }, t('sketch'))));
  }
  const docs = el('section', { class: 'documents', 'aria-label': t('documents') });
  sections.push(docs);
  sections.push(
    el('h3', {}, t('events')),
    el('ol', { class: 'events' }, ...r.history.map((e) => el('li', {}, `${when(e.at)} · ${named(e.to)} · ${e.role}${e.comment ? ` · ${e.comment}` : ''}`))),
  );
  ctx.work.replaceChildren(...sections.filter((s): s is HTMLElement => !!s));
  void documents(docs, r, mine || planner);
}

const OPEN = ['requested', 'submitted', 'in_review', 'technical_approved', 'returned'];

function actions(ctx: Ctx, r: Detail, mine: boolean, planner: boolean): HTMLElement {
  const box = el('div', { class: 'actions', id: 'request-actions' });
  const problemBox = el('p', { class: 'problem', role: 'alert', hidden: '' });
  const act = async (path: string, json?: unknown) => {
    problemBox.hidden = true;
    for (const b of box.querySelectorAll('button')) b.disabled = true;
    try {
      await api(path, { method: 'POST', json: json ?? {} });
      return true;
    } catch (e) {
      problemBox.textContent = e instanceof ApiFailure ? e.description : String(e);
      problemBox.hidden = false;
      for (const b of box.querySelectorAll('button')) b.disabled = false;
      return false;
    }
  };
  const me = ctx.me;
  if (mine && r.status === 'returned' && (r.kind === 'subdivision' || r.kind === 'merge')) {
    box.append(
      button(t('amend'), () => {
        void editorView(ctx, { view: 'new', kind: r.kind as 'subdivision' | 'merge', parcels: r.parcels }, {
          id: r.id,
          proposed: r.proposed ?? { type: 'FeatureCollection', features: [] },
          note: r.note,
        });
      }, { id: 'amend' }),
    );
  }
  if (mine && ['requested', 'submitted', 'returned'].includes(r.status)) {
    box.append(button(t('withdraw'), async () => {
      if (await act(`/api/requests/${r.id}/withdraw`)) ctx.go({ view: 'request', request: r.id });
    }, { id: 'withdraw' }));
  }
  const isReviewer = !!me && r.reviewer === me.id;
  if (planner && !mine && (r.status === 'submitted' || r.status === 'technical_approved')) {
    box.append(button(t('take'), async () => {
      if (await act(`/api/requests/${r.id}/take`)) ctx.go({ view: 'request', request: r.id });
    }, { id: 'take', class: 'primary' }));
  }
  if (planner && isReviewer && r.status === 'in_review') {
    const comment = el('textarea', { id: 'decision-comment', rows: '2' }) as HTMLTextAreaElement;
    const acceptable = (r.checks ?? []).filter((c) => !c.passed && c.acceptable);
    const accepts = acceptable.map((c) => {
      const cb = el('input', { type: 'checkbox', id: `accept-${c.code}`, value: c.code });
      return el('label', { for: cb.id, class: 'accept' }, cb, ` ${t('acceptLabel')}: ${c.code}`);
    });
    const decide = (decision: string) => async () => {
      const accept = [...box.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((c) => c.value);
      const ok = await act(`/api/requests/${r.id}/decision`, { decision, comment: comment.value.trim() || undefined, accept });
      if (!ok) return;
      if (decision === 'approve') ctx.refreshTiles();
      ctx.go({ view: 'request', request: r.id });
    };
    box.append(
      el('fieldset', { class: 'decision' },
        el('legend', {}, t('decision')),
        el('label', { for: 'decision-comment' }, t('comment')),
        comment,
        ...accepts,
        el('div', { class: 'buttons' },
          button(t('approve'), decide('approve'), { id: 'approve', class: 'primary' }),
          button(t('returnIt'), decide('return'), { id: 'return' }),
          button(t('reject'), decide('reject'), { id: 'reject', class: 'danger' }),
        ),
      ),
    );
  }
  box.append(problemBox);
  if (!OPEN.includes(r.status)) box.dataset.closed = 'true';
  return box;
}

async function documents(box: HTMLElement, r: Detail, mayAdd: boolean): Promise<void> {
  const list = el('ul', { id: 'documents' });
  box.replaceChildren(el('h3', {}, t('documents')), list);
  const load = async () => {
    try {
      const docs = (await api<{ documents: Document[] }>(`/api/requests/${r.id}/documents`)).documents;
      list.replaceChildren(
        ...(docs.length
          ? docs.map((d) => el('li', {}, el('a', { href: d.url, download: '', dir: 'auto' }, d.title || d.file_name), ` · ${number(d.size_bytes / 1024, 1)} KiB · ${when(d.uploaded_at)}`))
          : [el('li', {}, t('noDocuments'))]),
      );
    } catch (e) {
      list.replaceChildren(el('li', {}, problem(e)));
    }
  };
  await load();
  if (!mayAdd || !['submitted', 'in_review', 'returned'].includes(r.status)) return;
  const file = el('input', { type: 'file', id: 'doc-file', accept: '.pdf,.jpg,.jpeg,.png,.dxf' });
  const title = el('input', { id: 'doc-title', dir: 'auto' });
  const send = el('button', { type: 'submit' }, t('attach'));
  const note = el('p', { class: 'problem', role: 'alert', hidden: '' });
  const form = el('form', { class: 'attach' },
    el('label', { for: 'doc-file' }, t('attach')), file,
    el('label', { for: 'doc-title' }, t('docTitle')), title,
    send, note);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files?.[0];
    if (!f) return;
    const data = new FormData();
    data.append('file', f, f.name);
    if (title.value.trim()) data.append('title', title.value.trim());
    send.disabled = true;
    note.hidden = true;
    try {
      await api(`/api/requests/${r.id}/documents`, { form: data });
      form.reset();
      await load();
    } catch (err) {
      note.textContent = err instanceof ApiFailure ? err.description : String(err);
      note.hidden = false;
    } finally {
      send.disabled = false;
    }
  });
  box.append(form);
}
