// The land journeys in a real browser (headless Chromium driven by playwright-core), in one page
// that never reloads: a surveyor signs in, starts a subdivision, picks the parcel on the map,
// draws a dividing line that leaves a part under the minimum area (min_area fails, that part is
// shaded red, submitting is refused), undoes it, draws one through the middle (every check
// passes), and submits; signs out; a planner signs in, finds the request in the review queue,
// takes it and approves it, and the new parcels are in the map's tiles at once (the parent gone);
// the history slider of a new parcel shows the parent just before the approval. Then every
// screen is opened from its shareable address in Arabic and English, on a desktop and a phone:
// screenshots, and axe-core finds no serious or critical violation.
// Prints one JSON summary line; exits 1 on any failure or page error.
//
// Usage: node tests/land.mjs BASE_URL [SCREENSHOT_PREFIX] (a directory when it ends with /)
// The server must have the accounts `surveyor` and `planner` with the password in
// MADINATI_TEST_PASSWORD (default "a long test password").

import { kit } from './kit.mjs';

const { base, shots, timeout, summary, expect, fail, json, launch, watch, accessible, mapReady, finish } =
  kit('node tests/land.mjs BASE_URL [SCREENSHOT_PREFIX]');
const PASSWORD = process.env.MADINATI_TEST_PASSWORD ?? 'a long test password';

/** The two halves of an axis-aligned-ish parcel ring cut at fraction `f` along x or y. */
function cutAt(ring, axis, f) {
  const xs = ring.map((p) => p[axis]);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const at = lo + (hi - lo) * f;
  const other = 1 - axis;
  const os = ring.map((p) => p[other]);
  const [olo, ohi] = [Math.min(...os), Math.max(...os)];
  const pad = (ohi - olo) * 0.4;
  const pt = (a, o) => (axis === 0 ? [a, o] : [o, a]);
  return [pt(at, olo - pad), pt(at, ohi + pad)];
}

/** The pieces of a rectangle cut by `line` (as the page would): for the API's check. */
function halves(ring, axis, f) {
  const xs = ring.map((p) => p[axis]);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const at = lo + (hi - lo) * f;
  const os = ring.map((p) => p[1 - axis]);
  const [olo, ohi] = [Math.min(...os), Math.max(...os)];
  const box = (a0, a1) => {
    const r = axis === 0
      ? [[a0, olo], [a1, olo], [a1, ohi], [a0, ohi], [a0, olo]]
      : [[olo, a0], [ohi, a0], [ohi, a1], [olo, a1], [olo, a0]];
    return { type: 'Polygon', coordinates: [r] };
  };
  return [box(lo, at), box(at, hi)];
}

async function login(name) {
  return (await json('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, password: PASSWORD }),
  })).token;
}

/** Rectangular parcels whose middle cut passes every check and whose 15 % cut fails min_area. */
async function findParcels(token, wanted) {
  const found = [];
  const tj = await json('/tiles/districts,plans,streets,parcels,service_points.json');
  const [w, s, e, n] = tj.bounds;
  const [cx, cy] = [(w + e) / 2, (s + n) / 2];
  const d = 0.01;
  const page = await json(`/collections/parcels/items?bbox=${cx - d},${cy - d},${cx + d},${cy + d}&limit=200`);
  const check = (body) => json('/api/requests/check', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  for (const f of page.features) {
    const ring = f.geometry.coordinates[0];
    if (f.geometry.type !== 'Polygon' || ring.length !== 5) continue;
    for (const axis of [0, 1]) {
      const body = (frac) => ({
        kind: 'subdivision',
        parcels: [f.id],
        proposed: {
          type: 'FeatureCollection',
          features: halves(ring, axis, frac).map((g, i) => ({ type: 'Feature', properties: { parcel_no: `${f.properties.parcel_no}-${i + 1}` }, geometry: g })),
        },
      });
      const good = await check(body(0.5));
      if (!good.passed) continue;
      const bad = await check(body(0.15));
      if (bad.checks.some((c) => c.code === 'min_area' && !c.passed)) {
        found.push({ parcel: f, axis, halves: body(0.5).proposed });
        if (found.length === wanted) return found;
        break;
      }
    }
  }
  throw new Error('not enough demo parcels near the middle split cleanly in two');
}

/** Clicks the map at a (lon, lat). */
async function clickAt(page, lonlat) {
  const xy = await page.evaluate(([lon, lat]) => {
    const p = window.map.project([lon, lat]);
    const r = window.map.getCanvas().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
  }, lonlat);
  await page.mouse.click(xy[0], xy[1]);
  await page.waitForTimeout(350);
}

async function signIn(page, name) {
  await page.click('#account');
  await page.waitForSelector('#username');
  await page.fill('#username', name);
  await page.fill('#password', PASSWORD);
  await page.click('form.signin button[type=submit]');
  await page.waitForFunction((n) => window.viewer.ctx.me?.username === n, name, { timeout: 10000 });
}

const parcelsInTiles = (page) =>
  page.evaluate(() => window.map.querySourceFeatures('madinati', { sourceLayer: 'parcels' }).map((f) => f.id));

// JPEG keeps docs/screenshots small; SHOT_FORMAT=png for pixel-exact pictures.
const FORMAT = process.env.SHOT_FORMAT === 'png' ? 'png' : 'jpeg';
const shot = async (page, name) => {
  // Headless Chromium may keep a stale picture of the map where a taller panel stood: repaint.
  await page.evaluate(() => window.map.triggerRepaint());
  await page.waitForTimeout(250);
  if (shots) await page.screenshot({ path: `${shots}${shots.endsWith('/') ? '' : '-'}${name}.${FORMAT}`, type: FORMAT, ...(FORMAT === 'jpeg' ? { quality: 70 } : {}) });
};

try {
  const surveyorToken = await login('surveyor');
  const [{ parcel, axis }, spare] = await findParcels(surveyorToken, 2);
  const ring = parcel.geometry.coordinates[0];
  summary.parcel = { fid: parcel.id, parcel_no: parcel.properties.parcel_no, axis };
  const centre = [ring.slice(0, 4).reduce((s, p) => s + p[0], 0) / 4, ring.slice(0, 4).reduce((s, p) => s + p[1], 0) / 4];

  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = watch(await context.newPage());
  await page.goto(`${base}/?style=planners#at=18/${centre[1]}/${centre[0]}`, { waitUntil: 'load' });
  await mapReady(page);
  await page.evaluate(() => {
    window.samePage = true;
  });

  // The surveyor.
  await signIn(page, 'surveyor');
  await page.waitForSelector('#request-list');
  expect('surveyor_sees_my_requests', await page.isVisible('#new-split'));
  await page.click('#new-split');
  await page.waitForSelector('#editor-hint');
  await page.evaluate(([lon, lat]) => window.map.jumpTo({ center: [lon, lat], zoom: 19 }), centre);
  await page.waitForFunction(() => window.map.loaded(), null, { timeout });
  await clickAt(page, centre);
  await page.waitForFunction((fid) => window.viewer.overlays.get('picked').features.some((f) => f.id === fid), parcel.id, { timeout: 10000 });
  expect('parcel_picked_on_the_map', true);

  // A line at 15 %: a part under the minimum area.
  const [a1, b1] = cutAt(ring, axis, 0.15);
  await clickAt(page, a1);
  await clickAt(page, b1);
  await page.waitForSelector('#editor-checks li[data-code="min_area"]', { timeout: 15000 });
  const bad = await page.evaluate(() => ({
    state: window.editorState,
    minArea: document.querySelector('#editor-checks li[data-code="min_area"]')?.className,
    submitDisabled: document.getElementById('editor-submit')?.disabled,
    failingShown: window.viewer.overlays.get('proposal').features.filter((f) => f.properties.failing).length,
    children: [...document.querySelectorAll('#editor-children input')].map((i) => i.value),
  }));
  summary.tooSmall = bad;
  expect('min_area_fails_live', bad.minArea === 'failed' && bad.state?.parts === 2, bad);
  expect('failing_part_shaded', bad.failingShown === 1, bad);
  expect('submit_refused_while_failing', bad.submitDisabled === true, bad);
  await page.waitForFunction(() => window.map.loaded(), null, { timeout: 30000 }).catch(() => undefined);
  await shot(page, 'land-split-failing-ar-desktop');

  // Undo, then a line through the middle: every check passes.
  await page.click('#editor-undo');
  await page.waitForFunction(() => window.editorState?.lines === 0, null, { timeout: 5000 });
  const [a2, b2] = cutAt(ring, axis, 0.5);
  await clickAt(page, a2);
  await clickAt(page, b2);
  await page.waitForSelector('#editor-verdict.ok', { timeout: 15000 });
  const good = await page.evaluate(() => ({
    failed: [...document.querySelectorAll('#editor-checks li.failed')].map((li) => li.dataset.code),
    submitDisabled: document.getElementById('editor-submit')?.disabled,
    children: [...document.querySelectorAll('#editor-children input')].map((i) => i.value),
  }));
  summary.fixed = good;
  expect('fixed_split_passes', good.failed.length === 0 && good.submitDisabled === false && good.children.length === 2, good);
  await shot(page, 'land-split-passing-ar-desktop');
  await page.click('#editor-submit');
  await page.waitForSelector('#request-status[data-status="submitted"]', { timeout: 15000 });
  const requestId = Number(new URL(page.url()).searchParams.get('request'));
  summary.request = requestId;
  expect('submitted', requestId > 0);
  const before = await parcelsInTiles(page);
  expect('parent_in_tiles_before', before.includes(parcel.id), before.length);

  // The planner, in the same page.
  await page.click('#account');
  await page.waitForFunction(() => window.viewer.ctx.me === null, null, { timeout: 10000 });
  await signIn(page, 'planner');
  await page.waitForSelector(`#request-list li[data-id="${requestId}"]`, { timeout: 15000 });
  expect('in_the_queue', true);
  await shot(page, 'land-queue-ar-desktop');
  await page.click(`#request-list li[data-id="${requestId}"] a`);
  await page.waitForSelector('#take');
  await page.click('#take');
  await page.waitForSelector('#approve', { timeout: 15000 });
  const review = await page.evaluate(() => ({
    before: window.viewer.overlays.get('before').features.map((f) => f.id),
    after: window.viewer.overlays.get('proposal').features.length,
    checks: document.querySelectorAll('#request-checks li.passed').length,
    history: document.querySelectorAll('.events li').length,
  }));
  summary.review = review;
  expect('review_shows_before_after_checks_history', review.before.includes(parcel.id) && review.after === 2 && review.checks > 0 && review.history >= 2, review);
  await page.fill('#decision-comment', 'يعتمد · approved');
  await shot(page, 'land-review-ar-desktop');
  await page.click('#approve');
  await page.waitForSelector('#request-status[data-status="approved"]', { timeout: 15000 });
  const created = await page.$$eval('#created-parcels a', (as) => as.map((a) => Number(a.dataset.fid)));
  summary.created = created;
  expect('children_created', created.length === 2, created);
  // The new parcels in the tiles, the parent gone, without reloading the page.
  await page.waitForFunction(
    ([kids, parent]) => {
      const ids = window.map.querySourceFeatures('madinati', { sourceLayer: 'parcels' }).map((f) => f.id);
      return kids.every((k) => ids.includes(k)) && !ids.includes(parent);
    },
    [created, parcel.id],
    { timeout: 30000 },
  ).then(() => expect('new_parcels_on_the_tiles', true), (e) => expect('new_parcels_on_the_tiles', false, String(e)));
  expect('same_page', await page.evaluate(() => window.samePage === true));

  // A new parcel's history: the slider just before the approval shows the parent.
  await page.click(`#created-parcels a[data-fid="${created[0]}"]`);
  await page.waitForSelector('.view-head h2');
  await page.click('text=' + (await page.evaluate(() => (document.documentElement.lang === 'ar' ? 'سجل القطعة' : 'Parcel history'))));
  await page.waitForSelector('#history-slider');
  await page.waitForFunction(() => window.historyShown, null, { timeout: 10000 });
  const now = await page.evaluate(() => window.historyShown.fids);
  await page.focus('#history-slider');
  await page.keyboard.press('Home');
  await page.waitForFunction((p) => window.historyShown.fids.includes(p), parcel.id, { timeout: 10000 }).catch(() => undefined);
  const then = await page.evaluate(() => window.historyShown);
  summary.history = { now, then };
  expect('history_now_shows_children', created.every((c) => now.includes(c)) && !now.includes(parcel.id), now);
  expect('history_before_shows_parent', then.fids.includes(parcel.id) && !created.some((c) => then.fids.includes(c)), then);
  const lineage = await page.$$eval('.lineage a', (as) => as.map((a) => Number(a.dataset.fid)));
  expect('lineage_lists_parent', lineage.includes(parcel.id), lineage);
  await shot(page, 'land-history-ar-desktop');
  expect('no_page_errors_in_the_journey', summary.errors.length === 0, [...summary.errors]);

  // Proposed parcels uploaded as a GeoJSON file instead of drawn; a merge of two neighbours.
  {
    const ctxS = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const p = watch(await ctxS.newPage());
    await p.goto(`${base}/?view=signin&style=planners`, { waitUntil: 'load' });
    await p.fill('#username', 'surveyor');
    await p.fill('#password', PASSWORD);
    await p.click('form.signin button[type=submit]');
    await p.waitForFunction(() => window.viewer.ctx.me?.username === 'surveyor', null, { timeout: 10000 });
    await p.goto(`${base}/?view=new&kind=subdivision&parcels=${spare.parcel.id}&style=planners`, { waitUntil: 'load' });
    await p.waitForSelector('#editor-file', { state: 'attached' });
    const file = { ...spare.halves, features: spare.halves.features.map((f, i) => ({ ...f, properties: { parcel_no: `${spare.parcel.properties.parcel_no}-${String.fromCharCode(65 + i)}` } })) };
    await p.setInputFiles('#editor-file', { name: 'proposal.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file)) });
    await p.waitForSelector('#editor-verdict.ok', { timeout: 15000 }).catch(() => undefined);
    const up = await p.evaluate(() => ({
      parts: window.viewer.overlays.get('proposal').features.length,
      numbers: [...document.querySelectorAll('#editor-children input')].map((i) => i.value),
      ok: document.querySelector('#editor-verdict')?.className,
      submitDisabled: document.getElementById('editor-submit')?.disabled,
    }));
    summary.uploaded = up;
    const letters = file.features.map((f) => f.properties.parcel_no);
    expect('geojson_upload_checked', up.parts === 2 && up.ok === 'verdict ok' && up.submitDisabled === false
      && JSON.stringify(up.numbers) === JSON.stringify(letters), up);

    // A merge: the two neighbours of the first parcel's row, picked on the map.
    const neighbours = (await json(`/collections/parcels/items?bbox=${spare.parcel.geometry.coordinates[0].map((c) => c[0]).reduce((a, b) => Math.min(a, b))},${spare.parcel.geometry.coordinates[0].map((c) => c[1]).reduce((a, b) => Math.min(a, b))},${spare.parcel.geometry.coordinates[0].map((c) => c[0]).reduce((a, b) => Math.max(a, b))},${spare.parcel.geometry.coordinates[0].map((c) => c[1]).reduce((a, b) => Math.max(a, b))}&limit=20`))
      .features.filter((f) => f.id !== spare.parcel.id && f.properties.block_no === spare.parcel.properties.block_no);
    await p.goto(`${base}/?view=new&kind=merge&style=planners`, { waitUntil: 'load' });
    await mapReady(p);
    const centreOf = (f) => {
      const r = f.geometry.coordinates[0].slice(0, -1);
      return [r.reduce((s, c) => s + c[0], 0) / r.length, r.reduce((s, c) => s + c[1], 0) / r.length];
    };
    await p.evaluate(([lon, lat]) => window.map.jumpTo({ center: [lon, lat], zoom: 18 }), centreOf(spare.parcel));
    await p.waitForFunction(() => window.map.loaded(), null, { timeout });
    await clickAt(p, centreOf(spare.parcel));
    await p.waitForFunction(() => window.viewer.overlays.get('picked').features.length === 1, null, { timeout: 10000 });
    const other = neighbours[0];
    await clickAt(p, centreOf(other));
    await p.waitForFunction(() => window.viewer.overlays.get('picked').features.length === 2, null, { timeout: 10000 });
    await p.waitForSelector('#editor-checks li[data-code="adjacent"]', { timeout: 15000 });
    const merged = await p.evaluate(() => ({
      picked: window.viewer.overlays.get('picked').features.map((f) => f.id),
      parts: window.viewer.overlays.get('proposal').features.length,
      adjacent: document.querySelector('#editor-checks li[data-code="adjacent"]')?.className,
      url: window.location.search,
    }));
    summary.merge = merged;
    expect('merge_of_two_picked_parcels_checked', merged.picked.length === 2 && merged.parts === 1 && merged.adjacent === 'passed'
      && decodeURIComponent(merged.url).includes(`parcels=${spare.parcel.id},${other.id}`), merged);
    await ctxS.close();
  }

  // Every screen from its address, in both languages, on a desktop and a phone.
  const screens = [
    ['signin', null, '/?view=signin'],
    ['parcel', null, `/?parcel=${created[0]}`],
    ['history', null, `/?view=history&parcel=${created[0]}`],
    ['requests', 'surveyor', '/?view=requests'],
    ['editor', 'surveyor', `/?view=new&kind=subdivision&parcels=${created[1]}`],
    ['queue', 'planner', '/?view=queue&status='],
    ['request', 'planner', `/?request=${requestId}`],
  ];
  summary.screens = {};
  for (const [device, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 360, height: 740 }]]) {
    for (const lang of ['ar', 'en']) {
      const contexts = {};
      for (const [name, who, path] of screens) {
        const key = who ?? 'nobody';
        if (!contexts[key]) {
          contexts[key] = await browser.newContext({ viewport, bypassCSP: true });
          if (who) {
            const p = await contexts[key].newPage();
            await p.goto(`${base}/?view=signin`, { waitUntil: 'load' });
            await p.fill('#username', who);
            await p.fill('#password', PASSWORD);
            await p.click('form.signin button[type=submit]');
            await p.waitForFunction((n) => window.viewer.ctx.me?.username === n, who, { timeout: 10000 });
            await p.close();
          }
        }
        const p = watch(await contexts[key].newPage());
        const sep = path.includes('?') ? '&' : '?';
        await p.goto(`${base}${path}${sep}lang=${lang}&style=planners`, { waitUntil: 'load' });
        await mapReady(p);
        await p.waitForFunction(() => !document.querySelector('#work .loading') && !document.querySelector('#request-list .loading'), null, { timeout: 15000 });
        await p.waitForFunction(() => window.map.loaded() && !window.map.isMoving(), null, { timeout: 30000 }).catch(() => undefined);
        await p.waitForTimeout(300);
        const fit = await p.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          dir: document.documentElement.dir,
          title: document.querySelector('#work:not([hidden]) h2')?.textContent ?? null,
        }));
        summary.screens[`${name}-${lang}-${device}`] = fit;
        expect(`${name}_${lang}_${device}_fits`, fit.scroll <= viewport.width && fit.dir === (lang === 'ar' ? 'rtl' : 'ltr') && !!fit.title, fit);
        await shot(p, `${name}-${lang}-${device}`);
        await accessible(p, `${name}-${lang}-${device}`);
        await p.close();
      }
      for (const c of Object.values(contexts)) await c.close();
    }
  }
  expect('no_page_errors', summary.errors.length === 0, summary.errors);
} catch (err) {
  fail(err);
}
await finish();
