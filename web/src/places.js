// Offline place search over a coarse gazetteer shipped with the app (GeoNames places of 50,000 people or more, with
// their names in other languages in Latin letters, such as "Ghent" for Gent: see tools/places.mjs): no geocoding service
// is asked.
import { files } from './config.js';

let loaded;
function places() {
  loaded ??= fetch(files.places).then(r => r.json()).then(data => data.places.map(([name, country, lat, lon, population, others = []]) => ({
    name, country, lat, lon, population, folded: fold(name), others: others.map(other => [other, fold(other)]),
  })));
  return loaded;
}

const fold = text => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Places whose name starts with the text, then those with another name that does ("Ghent": Gent, shown with the name
 * found as `alias`), then those whose name contains it; biggest first in each.
 */
export async function searchPlaces(text, limit = 8) {
  const query = fold(text.trim());
  if (query.length < 2) return [];
  const found = [];
  const add = (place, alias) => {
    if (found.length < limit && !found.some(f => f.place === place)) found.push({ place, alias });
  };
  const all = await places();
  for (const place of all) if (place.folded.startsWith(query)) add(place);
  for (const place of all) {
    if (found.length >= limit) break;
    const other = place.others.find(([, folded]) => folded.startsWith(query));
    if (other) add(place, other[0]);
  }
  for (const place of all) if (found.length < limit && place.folded.includes(query)) add(place);
  return found.map(({ place, alias }) => ({ ...place, alias }));
}

/**
 * Coordinates typed into the search box: "lat, lon", or "lon, lat" when the first number cannot be a latitude (more
 * than 90 either way) and the second can.
 */
export function parseCoordinates(text) {
  const match = text.trim().match(/^(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)$/);
  if (!match) return null;
  const first = Number(match[1]), second = Number(match[2]);
  if (Math.abs(first) <= 90 && Math.abs(second) <= 180) return { lat: first, lon: second };
  if (Math.abs(first) <= 180 && Math.abs(second) <= 90) return { lat: second, lon: first };
  return null;
}
