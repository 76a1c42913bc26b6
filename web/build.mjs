// Bundles the web app into dist/: index.html (a template the server fills with its settings) and assets/ with
// content-hashed names, so the server can cache them for a year. Run by `dotnet build` (src/Sightline/Sightline.csproj).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basemapTopology } from './tools/basemap.mjs';
import { noEvalPlugin } from './tools/no-eval-plugin.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const assets = join(dist, 'assets');
rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

// Files the app fetches at run time rather than bundles: MapLibre's worker (a module of its own), the offline basemap's
// TopoJSON (Natural Earth through world-atlas, cut at the antimeridian: tools/basemap.mjs) and the gazetteer.
function writeHashed(name, bytes) {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 10);
  const ext = extname(name);
  const hashed = `${basename(name, ext)}-${hash}${ext}`;
  writeFileSync(join(assets, hashed), bytes);
  return `/assets/${hashed}`;
}
const copyHashed = source => writeHashed(basename(source), readFileSync(source));
const files = {
  worker: copyHashed(join(here, 'node_modules/maplibre-gl/dist/maplibre-gl-worker.mjs')),
  basemap: writeHashed('basemap.json', basemapTopology(join(here, 'node_modules'))),
  places: copyHashed(join(here, 'src/data/places.json')),
  // The viewer's style (84 KB, its icons inlined) loads with the viewer's code, not with the page.
  viewerStyle: copyHashed(join(here, 'node_modules/mapillary-js/dist/mapillary.css')),
};

const result = await build({
  // first-lines: the page's script, a few KB that draw Explore's first coverage lines, then evaluate the app.
  entryPoints: { app: join(here, 'src/main.js'), 'first-lines': join(here, 'src/first-lines.js') },
  bundle: true,
  format: 'esm',
  splitting: true,
  chunkNames: '[name]-[hash]',
  minify: true,
  target: ['es2022'],
  outdir: assets,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.png': 'file', '.svg': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file' },
  publicPath: '/assets',
  define: { __SIGHTLINE_FILES__: JSON.stringify(files) },
  metafile: true,
  plugins: [noEvalPlugin],
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map(p => '/assets/' + basename(p));
const app = outputs.find(p => /^\/assets\/app-.*\.js$/.test(p));
const script = outputs.find(p => /^\/assets\/first-lines-.*\.js$/.test(p));
const style = outputs.find(p => /^\/assets\/app-.*\.css$/.test(p));
// Fetched with the page (modulepreload: fetched and compiled, not evaluated): the app's entry, which the first script
// evaluates (src/first-lines.js), both entries' own imports, MapLibre's module, which the app evaluates only after its
// first coverage lines are on screen (src/pages/explore.js), and its worker's. (A plain preload for MapLibre and its
// worker, fetched but not compiled with the page, was tried: no better in the bench, see bench/README.md.)
const outputOf = path => Object.entries(result.metafile.outputs).find(([p]) => '/assets/' + basename(p) === path);
const [appPath, appOutput] = outputOf(app);
const [, scriptOutput] = outputOf(script);
const maplibre = Object.entries(result.metafile.outputs)
  .find(([p, output]) => p.endsWith('.js') && Object.keys(output.inputs).some(input => input.includes('node_modules/maplibre-gl/')))?.[0];
if (!maplibre || maplibre === appPath) throw new Error('MapLibre is not a module of its own: the page would evaluate it before drawing anything');
if (Object.keys(scriptOutput.inputs).some(input => input.includes('node_modules/maplibre-gl/'))) throw new Error('the first script holds MapLibre');
const staticImports = output => output.imports.filter(i => i.kind === 'import-statement').map(i => '/assets/' + basename(i.path));
const preloads = [...new Set([...staticImports(scriptOutput), ...staticImports(appOutput), '/assets/' + basename(maplibre), files.worker])];
const template = readFileSync(join(here, 'index.html'), 'utf8')
  .replace('%STYLE%', style)
  .replace('%SCRIPT%', script)
  .replace('  %PRELOADS%\n', [
    `  <link rel="modulepreload" href="${app}" data-app>\n`,
    ...preloads.map(p => `  <link rel="modulepreload" href="${p}">\n`),
  ].join(''));
writeFileSync(join(dist, 'index.html'), template);
console.log(`web app built: ${script}, ${app}, ${style}`);
