// Builds the map page into dist/: the bundled page script, MapLibre's worker and CSS, the page's
// web fonts and the glyph PBFs of the map's labels. Everything the page loads is in dist/, so
// madinati serves it all and no CDN is needed. `node build.mjs` (npm run build).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { buildGlyphs, STACKS } from './scripts/glyphs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = path.join(here, 'dist');
const glyphsDir = path.join(dist, 'fonts');

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

// Glyphs take a few seconds: kept across builds unless the generator or the fonts changed.
const stamp = path.join(glyphsDir, '.stamp');
const glyphInputs = [path.join(here, 'scripts/glyphs.mjs'), path.join(here, 'package-lock.json')];
const newest = Math.max(...glyphInputs.map((f) => fs.statSync(f).mtimeMs));
const glyphsFresh = fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newest;

for (const entry of fs.existsSync(dist) ? fs.readdirSync(dist) : []) {
  if (entry !== 'fonts' || !glyphsFresh) fs.rmSync(path.join(dist, entry), { recursive: true, force: true });
}
fs.mkdirSync(dist, { recursive: true });

const t0 = Date.now();
await esbuild.build({
  entryPoints: [path.join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: path.join(dist, 'viewer.js'),
  logLevel: 'warning',
});
// What a citizen's first page costs besides MapLibre: our code alone, minified and gzipped
// (issue 13 asks ≤ 300 KB), written to dist/size.json for the tests.
{
  const zlib = await import('node:zlib');
  const own = await esbuild.build({
    entryPoints: [path.join(here, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    external: ['maplibre-gl'],
    write: false,
    logLevel: 'warning',
  });
  const ownGzip = zlib.gzipSync(own.outputFiles[0].contents, { level: 9 }).length;
  const totalGzip = zlib.gzipSync(fs.readFileSync(path.join(dist, 'viewer.js')), { level: 9 }).length;
  fs.writeFileSync(path.join(dist, 'size.json'), JSON.stringify({ own_gzip_bytes: ownGzip, with_maplibre_gzip_bytes: totalGzip }));
  console.log(`page script: ${(ownGzip / 1024).toFixed(1)} KiB gzip of our own, ${(totalGzip / 1024).toFixed(1)} KiB with MapLibre`);
}
const maplibre = path.dirname(require.resolve('maplibre-gl/package.json'));
copy(path.join(maplibre, 'dist/maplibre-gl-worker.mjs'), path.join(dist, 'maplibre-gl-worker.mjs'));
copy(path.join(maplibre, 'dist/maplibre-gl.css'), path.join(dist, 'maplibre-gl.css'));
copy(path.join(here, 'src/viewer.css'), path.join(dist, 'viewer.css'));
copy(path.join(here, 'src/index.html'), path.join(dist, 'index.html'));
for (const weight of [400, 700]) {
  for (const [pkg, subset] of [
    ['@fontsource/noto-sans-arabic', 'noto-sans-arabic-arabic'],
    ['@fontsource/noto-sans', 'noto-sans-latin'],
  ]) {
    const file = `${subset}-${weight}-normal.woff2`;
    copy(require.resolve(`${pkg}/files/${file}`), path.join(dist, 'ui-fonts', file));
  }
}
console.log(`page: dist/viewer.js, MapLibre ${JSON.parse(fs.readFileSync(path.join(maplibre, 'package.json'))).version} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

if (glyphsFresh) {
  console.log(`glyphs: up to date (${STACKS.map((s) => s.name).join(', ')})`);
} else {
  const t1 = Date.now();
  fs.rmSync(glyphsDir, { recursive: true, force: true });
  const n = buildGlyphs(glyphsDir);
  fs.writeFileSync(stamp, new Date().toISOString());
  console.log(`glyphs: ${n} glyphs in ${STACKS.length} font stacks (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
}
