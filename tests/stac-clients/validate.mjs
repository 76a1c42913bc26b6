// Validates STAC documents with stac-node-validator against the schemas vendored in ./schemas, never the internet.
// Usage: node validate.mjs <folder of .json files>. Prints one JSON line per file and "STAC VALIDATION OK" when all pass.
import { createRequire } from 'node:module';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const validate = require('stac-node-validator');
const here = path.dirname(fileURLToPath(import.meta.url));

// Every schema URL the documents may reach, and the vendored folder holding it.
const schemaMap = {
  'https://schemas.stacspec.org/v1.0.0/': path.join(here, 'schemas/stacspec-v1.0.0/'),
  'https://geojson.org/schema/': path.join(here, 'schemas/geojson/'),
  'https://stac-extensions.github.io/view/v1.0.0/': path.join(here, 'schemas/view-v1.0.0/'),
  'https://stac-extensions.github.io/perspective-imagery/v1.0.0/': path.join(here, 'schemas/perspective-imagery-v1.0.0/'),
};

async function offlineLoader(uri) {
  const file = uri.split('#')[0];
  if (/^https?:/.test(file)) throw new Error(`not vendored, and this validator never goes online: ${uri}`);
  return JSON.parse(await readFile(file, 'utf8'));
}

function failures(report) {
  const own = [...report.results.core, ...Object.values(report.results.extensions).flat()]
    .map(e => `${e.instancePath ?? ''} ${e.message}`.trim());
  return own.concat((report.children ?? []).flatMap(c => failures(c).map(f => `${c.id}: ${f}`)));
}

const folder = process.argv[2];
let bad = 0;
for (const name of (await readdir(folder)).filter(n => n.endsWith('.json')).sort()) {
  const data = JSON.parse(await readFile(path.join(folder, name), 'utf8'));
  const report = await validate(data, { loader: offlineLoader, schemaMap });
  const checked = report.apiList ? report.children.length : 1;
  const extensions = [...new Set([report, ...(report.children ?? [])].flatMap(r => Object.keys(r.results.extensions)))];
  const valid = report.valid === true && !report.skipped && checked > 0 && (report.children ?? []).every(c => c.valid === true && !c.skipped);
  if (!valid) bad++;
  console.log(JSON.stringify({ file: name, valid, type: report.type, checked, extensions, errors: failures(report).slice(0, 10), messages: report.messages }));
}
console.log(bad === 0 ? 'STAC VALIDATION OK' : `STAC VALIDATION FAILED: ${bad} file(s)`);
process.exit(bad === 0 ? 0 : 1);
