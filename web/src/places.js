// Offline place search over a coarse gazetteer shipped with the app (GeoNames places of 50,000 people or more,
// see tools/places.mjs): no geocoding service is asked.
import { files } from './config.js';

let loaded;
function places() {
  loaded ??= fetch(files.places).then(r => r.json()).then(data => data.places.map(([name, country, lat, lon, population]) => ({
    name, country, lat, lon, population, folded: fold(name),
  })));
  return loaded;
}

const fold = text => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Places whose name starts with (then contains) the text, biggest first. */
export async function searchPlaces(text, limit = 8) {
  const query = fold(text.trim());
  if (query.length < 2) return [];
  const all = await places();
  const starts = all.filter(p => p.folded.startsWith(query));
  const contains = starts.length >= limit ? [] : all.filter(p => !p.folded.startsWith(query) && p.folded.includes(query));
  return [...starts, ...contains].slice(0, limit);
}

/** "lat, lon" typed into the search box. */
export function parseCoordinates(text) {
  const match = text.trim().match(/^(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)$/);
  if (!match) return null;
  const lat = Number(match[1]), lon = Number(match[2]);
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null;
}
