// What the page scripts share: Chromium launched as the tests need it, a summary of checks
// printed as one JSON line, axe-core runs, and a page's errors collected.

import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

export function kit(usage) {
  const base = process.argv[2]?.replace(/\/$/, '');
  const shots = process.argv[3];
  if (!base) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const timeout = Number(process.env.MAP_TEST_TIMEOUT_MS ?? 180000);
  const summary = { errors: [], checks: {}, axe: {} };
  const failed = [];
  const expect = (name, ok, detail) => {
    summary.checks[name] = ok ? true : detail ?? false;
    if (!ok) failed.push(name);
    return ok;
  };
  let browser;
  const timer = setTimeout(() => {
    console.log(JSON.stringify({ ...summary, ok: false, failed: [...failed, `timed out after ${timeout} ms`] }));
    process.exit(1);
  }, timeout);

  return {
    base,
    shots,
    timeout,
    summary,
    expect,
    fail: (err) => failed.push(`error: ${err.stack ?? err}`),
    async json(path, init = {}) {
      const res = await fetch(`${base}${path}`, { ...init, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    },
    async launch() {
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
          '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
      });
      return browser;
    },
    /** Collects the page's console errors, uncaught errors and failed requests (except `allowed`). */
    watch(page, allowed = () => false) {
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !allowed(msg.text())) summary.errors.push(msg.text());
      });
      page.on('pageerror', (err) => summary.errors.push(`page error: ${err.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400 && !allowed(`HTTP ${r.status()}: ${r.url()}`)) summary.errors.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      return page;
    },
    /** axe-core on the page as it is: no serious or critical violation. */
    async accessible(page, name) {
      await page.addScriptTag({ path: AXE });
      const found = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
      });
      summary.axe[name] = found.length;
      expect(`axe_${name}`, found.length === 0, found);
    },
    async mapReady(page) {
      await page.waitForFunction(() => typeof window.map?.isStyleLoaded === 'function' && window.map.isStyleLoaded(), null, { timeout });
    },
    async finish() {
      clearTimeout(timer);
      await browser?.close();
      console.log(JSON.stringify({ ...summary, ok: failed.length === 0, failed }));
      process.exit(failed.length === 0 ? 0 : 1);
    },
  };
}
