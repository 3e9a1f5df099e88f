// The map page in a real browser: headless Chromium (Debian's, software WebGL) loads the page
// that madinati serves at BASE_URL, moves the map over a busy part of the city at zoom 16, waits
// for the map to be idle, and asks MapLibre what it drew. Prints one JSON summary line and exits
// 1 when parcels or service points were not drawn, no label was placed, the canvas is blank, or
// the page logged an error.
//
// Usage: node tests/map.mjs BASE_URL [SCREENSHOT.png]
// Environment: CHROMIUM (default /usr/bin/chromium), MAP_TEST_TIMEOUT_MS (default 120000).

import { chromium } from 'playwright-core';

const base = process.argv[2]?.replace(/\/$/, '');
const screenshot = process.argv[3];
if (!base) {
  console.error('usage: node tests/map.mjs BASE_URL [SCREENSHOT.png]');
  process.exit(2);
}
const timeout = Number(process.env.MAP_TEST_TIMEOUT_MS ?? 120000);
const ZOOM = 16;

async function json(path) {
  const res = await fetch(`${base}${path}`, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * A place with parcels and services around it: the service point nearest to a parcel near the
 * middle of the data (the TileJSON's bounds).
 */
async function busyPlace() {
  const tj = await json('/tiles/districts,plans,streets,parcels,service_points.json');
  const [w, s, e, n] = tj.bounds;
  const [cx, cy] = [(w + e) / 2, (s + n) / 2];
  const d = 0.003;
  let parcels = await json(`/collections/parcels/items?limit=1&bbox=${cx - d},${cy - d},${cx + d},${cy + d}`);
  if (!parcels.features?.length) parcels = await json('/collections/parcels/items?limit=1');
  const ring = parcels.features?.[0]?.geometry?.coordinates?.[0];
  if (!ring) throw new Error('the store has no parcels');
  const [lon, lat] = ring[0];
  const near = await json(`/api/nearby?lon=${lon}&lat=${lat}&limit=1`);
  const sp = near.features?.[0];
  if (!sp) throw new Error('the store has no service points');
  return { center: sp.geometry.coordinates, parcel: [lon, lat], distance_m: sp.properties.distance_m };
}

const summary = { url: `${base}/`, errors: [], warnings: [] };
let failed = [];
let browser;
const timer = setTimeout(() => {
  console.log(JSON.stringify({ ...summary, ok: false, failed: [`timed out after ${timeout} ms`] }));
  process.exit(1);
}, timeout);

try {
  const place = await busyPlace();
  summary.place = place;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      // WebGL without a GPU: ANGLE on SwiftShader (software).
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error') summary.errors.push(msg.text());
    else if (msg.type() === 'warning') summary.warnings.push(msg.text());
  });
  page.on('pageerror', (e) => summary.errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => summary.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) summary.errors.push(`HTTP ${r.status()}: ${r.url()}`);
    else if (!r.url().startsWith(base)) summary.errors.push(`asset from another origin: ${r.url()}`);
  });

  const res = await page.goto(`${base}/`, { waitUntil: 'load' });
  summary.page = { status: res?.status(), contentType: res?.headers()['content-type'] };
  summary.title = await page.title();
  summary.dir = await page.evaluate(() => document.documentElement.dir);
  // Until main.js has run, `window.map` is the <div id="map"> element (named access on window).
  await page.waitForFunction(
    () => typeof window.map?.isStyleLoaded === 'function' && window.map.isStyleLoaded(),
    null,
    { timeout },
  );
  summary.webgl = await page.evaluate(() => {
    const gl = window.map.painter?.context?.gl;
    return gl ? gl.getParameter(gl.VERSION) : null;
  });

  // Move to the busy place and wait until every tile is loaded and drawn.
  await page.evaluate(
    ({ center, zoom }) =>
      new Promise((resolve) => {
        window.map.once('idle', resolve);
        window.map.jumpTo({ center, zoom });
      }),
    { center: place.center, zoom: ZOOM },
  );
  Object.assign(
    summary,
    await page.evaluate(() => {
      const map = window.map;
      const rendered = map.queryRenderedFeatures();
      const bySourceLayer = {};
      const byLayer = {};
      for (const f of rendered) {
        bySourceLayer[f.sourceLayer] = (bySourceLayer[f.sourceLayer] ?? 0) + 1;
        byLayer[f.layer.id] = (byLayer[f.layer.id] ?? 0) + 1;
      }
      const sample = (layer, keys) => {
        const f = rendered.find((x) => x.sourceLayer === layer);
        return f ? Object.fromEntries(keys.map((k) => [k, f.properties[k]])) : null;
      };
      return {
        zoom: map.getZoom(),
        center: map.getCenter().toArray(),
        style: map.getStyle().name,
        bySourceLayer,
        byLayer,
        parcel: sample('parcels', ['parcel_no', 'plan_no', 'land_use']),
        servicePoint: sample('service_points', ['name_ar', 'category', 'category_ar']),
      };
    }),
  );
  // What the canvas shows: the distinct colours of a 64 x 48 sample, read while the frame is
  // still in the drawing buffer.
  summary.canvasColours = await page.evaluate(
    () =>
      new Promise((resolve) => {
        window.map.once('render', () => {
          const c = document.createElement('canvas');
          c.width = 64;
          c.height = 48;
          const ctx = c.getContext('2d');
          ctx.drawImage(window.map.getCanvas(), 0, 0, 64, 48);
          const data = ctx.getImageData(0, 0, 64, 48).data;
          const colours = new Set();
          for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
          resolve(colours.size);
        });
        window.map.triggerRepaint();
      }),
  );
  if (screenshot) await page.screenshot({ path: screenshot });

  const count = (layer) => summary.bySourceLayer[layer] ?? 0;
  const labels = (summary.byLayer['service-points-label'] ?? 0) + (summary.byLayer['streets-label'] ?? 0);
  summary.labels = labels;
  if (summary.page.status !== 200 || !summary.page.contentType?.startsWith('text/html')) failed.push('GET / is not the map page');
  if (count('parcels') === 0) failed.push('no parcel was drawn');
  if (count('service_points') === 0) failed.push('no service point was drawn');
  if (labels === 0) failed.push('no label was placed (glyphs?)');
  if (summary.canvasColours < 4) failed.push(`the canvas is blank (${summary.canvasColours} colours)`);
  if (summary.errors.length > 0) failed.push('the page logged errors');
} catch (e) {
  failed.push(String(e?.stack ?? e));
} finally {
  clearTimeout(timer);
  await browser?.close().catch(() => {});
}
summary.ok = failed.length === 0;
summary.failed = failed;
console.log(JSON.stringify(summary));
process.exit(summary.ok ? 0 : 1);
