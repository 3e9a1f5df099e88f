// The citizens' journey in a real browser (headless Chromium driven by playwright-core): a
// citizen near a pharmacy opens the page in Arabic, picks the pharmacy chip and "open now",
// presses "near me" (the browser gives their position), and gets the open pharmacies nearest
// first, as a list and as markers, the first being the one /api/nearby names; the language
// switch then flips the page to English, left to right, with English names and labels; the
// search box suggests places as one types and Enter takes the map there. At a phone's width the
// page does not scroll sideways. Prints one JSON summary line; exits 1 on any failure or page error.
//
// Usage: node tests/citizen.mjs BASE_URL [SCREENSHOT_PREFIX]
// Environment: CHROMIUM (default /usr/bin/chromium), MAP_TEST_TIMEOUT_MS (default 120000).

import { kit } from './kit.mjs';

const { base, shots, timeout, summary, expect, fail, json, launch, watch, accessible, mapReady, finish } =
  kit('node tests/citizen.mjs BASE_URL [SCREENSHOT_PREFIX]');
// A Sunday mid-morning in Riyadh: most pharmacies are open.
const AT = '2026-12-06T10:00:00+03:00';

const items = (page) =>
  page.$$eval('#results li', (lis) =>
    lis.map((li) => ({
      id: Number(li.dataset.id),
      distance: Number(li.dataset.distance),
      open: li.dataset.open,
      category: li.dataset.category,
      name: li.querySelector('.place')?.textContent ?? '',
      state: li.querySelector('.state')?.textContent ?? '',
      distanceText: li.querySelector('.distance')?.textContent ?? '',
    })),
  );

try {
  // Where the citizen stands: beside a pharmacy in the middle of the data.
  const tj = await json('/tiles/districts,plans,streets,parcels,service_points.json');
  const [w, s, e, n] = tj.bounds;
  const [cx, cy] = [(w + e) / 2, (s + n) / 2];
  const q = `category=pharmacy&open_now=true&at=${encodeURIComponent(AT)}`;
  const start = (await json(`/api/nearby?lon=${cx}&lat=${cy}&limit=1&${q}`)).features[0];
  if (!start) throw new Error('no open pharmacy in the demo city');
  const [lon, lat] = start.geometry.coordinates;
  const here = [lon + 0.002, lat + 0.001];
  const want = await json(`/api/nearby?lon=${here[0]}&lat=${here[1]}&limit=10&lang=ar&${q}`);
  summary.expected = want.features.map((f) => f.id);

  const browser = await launch();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    geolocation: { longitude: here[0], latitude: here[1] },
    permissions: ['geolocation'],
    // axe-core is injected as a script; the page's Content-Security-Policy would refuse it.
    bypassCSP: true,
  });
  const page = watch(await context.newPage());

  await page.goto(`${base}/?at=${encodeURIComponent(AT)}#at=14/${cy}/${cx}`, { waitUntil: 'load' });
  await mapReady(page);
  await page.waitForFunction(() => typeof window.mapIdleMs === 'number', null, { timeout });
  summary.firstMapIdleMs = await page.evaluate(() => window.mapIdleMs);
  expect('arabic_by_default', await page.evaluate(() => document.documentElement.dir === 'rtl' && document.documentElement.lang === 'ar'));
  expect('arabic_chip', (await page.textContent('.chip[data-category="pharmacy"]')) === 'صيدلية');

  // Pharmacy, open now, near me.
  await page.click('.chip[data-category="pharmacy"]');
  await page.check('#open-now');
  await page.click('#near-me');
  await page.waitForFunction(
    (first) => document.querySelector('#results li')?.dataset.id === String(first),
    summary.expected[0],
    { timeout: 30000 },
  );
  const ar = await items(page);
  summary.arabic = ar.slice(0, 3);
  expect('same_places_as_the_api', JSON.stringify(ar.map((i) => i.id)) === JSON.stringify(summary.expected), ar.map((i) => i.id));
  expect('all_pharmacies', ar.length > 0 && ar.every((i) => i.category === 'pharmacy'));
  expect('all_open', ar.every((i) => i.open === 'true' && i.state === 'مفتوح'));
  expect('nearest_first', ar.every((i, k) => k === 0 || ar[k - 1].distance <= i.distance));
  expect('arabic_names', /[\u0600-\u06FF]/.test(ar[0].name), ar[0].name);
  expect('arabic_units', /(م|كم)$/.test(ar[0].distanceText), ar[0].distanceText);
  expect('markers', (await page.$$('.maplibregl-marker')).length === ar.length);
  if (shots) await page.screenshot({ path: `${shots}-citizen-ar-desktop.png` });
  await accessible(page, 'arabic');

  // The language switch flips the page.
  await page.click('#lang-switch');
  await page.waitForFunction(() => document.querySelector('#results li .state')?.textContent === 'Open', null, { timeout: 30000 });
  const en = await items(page);
  summary.english = en.slice(0, 3);
  expect('english_page', await page.evaluate(() => document.documentElement.dir === 'ltr' && document.documentElement.lang === 'en'));
  expect('english_chip', (await page.textContent('.chip[data-category="pharmacy"]')) === 'Pharmacy');
  expect('english_same_places', JSON.stringify(en.map((i) => i.id)) === JSON.stringify(summary.expected));
  expect('english_names', /[A-Za-z]/.test(en[0].name) && !/[\u0600-\u06FF]/.test(en[0].name), en[0].name);
  expect('shareable_url', new URL(page.url()).searchParams.get('lang') === 'en');
  expect('map_labels_in_english', await page.evaluate(() =>
    JSON.stringify(window.map.getLayoutProperty('service-points-label', 'text-field')).indexOf('name_en')
      < JSON.stringify(window.map.getLayoutProperty('service-points-label', 'text-field')).indexOf('name_ar')));
  if (shots) await page.screenshot({ path: `${shots}-citizen-en-desktop.png` });
  await accessible(page, 'english');

  // Suggestions as one types; Enter goes there.
  const before = await page.evaluate(() => window.map.getCenter().toArray());
  await page.fill('#search', 'pharm');
  await page.waitForSelector('#suggestions li', { timeout: 10000 });
  const options = await page.$$eval('#suggestions li', (lis) => lis.map((li) => li.textContent));
  summary.suggestions = options.slice(0, 3);
  expect('suggestions', options.length > 0);
  await page.press('#search', 'ArrowDown');
  await page.press('#search', 'Enter');
  await page.waitForFunction((b) => {
    const c = window.map.getCenter().toArray();
    return Math.abs(c[0] - b[0]) + Math.abs(c[1] - b[1]) > 1e-6;
  }, before, { timeout: 10000 });
  expect('search_moves_the_map', true);

  // A phone: nothing scrolls sideways, the panel fits.
  const phone = await browser.newPage({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  await phone.goto(`${base}/?at=${encodeURIComponent(AT)}#at=14/${cy}/${cx}`, { waitUntil: 'load' });
  await mapReady(phone);
  const fit = await phone.evaluate(() => {
    const r = document.getElementById('panel').getBoundingClientRect();
    return { scroll: document.documentElement.scrollWidth, left: r.left, right: r.right };
  });
  summary.phone = fit;
  expect('phone_fits', fit.scroll <= 360 && fit.left >= 0 && fit.right <= 360, fit);
  if (shots) await phone.screenshot({ path: `${shots}-citizen-ar-phone.png` });
  await accessible(phone, 'phone');

  expect('no_page_errors', summary.errors.length === 0, summary.errors);
} catch (err) {
  fail(err);
}
await finish();
