// The view Explore (/) opens on, from the address: a permalink's lat, lon and z, else the default view over the world.
// The server reads the address the same way (src/Sightline/WebApp/WebAppFirstView.cs) to preload the view's centre tiles
// with the document.

export const DEFAULT_VIEW = { lat: 20, lon: 0, z: 1.6 };
const PERMALINK_ZOOM = 16; // a permalink without z

/** The view ({ center: [lon, lat], zoom }) of an address's query (URLSearchParams). */
export function viewOf(params) {
  const lat = Number(params.get('lat')), lon = Number(params.get('lon')), z = Number(params.get('z'));
  const valid = params.has('lat') && params.has('lon') && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  return valid
    ? { center: [lon, lat], zoom: Number.isFinite(z) && params.has('z') ? z : PERMALINK_ZOOM }
    : { center: [DEFAULT_VIEW.lon, DEFAULT_VIEW.lat], zoom: DEFAULT_VIEW.z };
}

/** A day of the address's filters (`from`, `to`: YYYY-MM-DD), or '' when it is none. */
export function filterDay(value) {
  return /^\d{4}-\d{2}-\d{2}$/.test(value ?? '') && !Number.isNaN(Date.parse(value)) ? value : '';
}

/**
 * The filters of an address's query that the coverage lines honour: { user, from, to }, the user as written (trimmed),
 * the days as times (from the first day's midnight to the end of the last), null when not set. Explore's form reads the
 * same (pages/explore.js).
 */
export function lineFiltersOf(params) {
  const from = filterDay(params.get('from')), to = filterDay(params.get('to'));
  return {
    user: (params.get('user') ?? '').trim(),
    from: from ? Date.parse(from) : null,
    to: to ? Date.parse(to) + 864e5 - 1 : null,
  };
}

/**
 * The view Explore draws a coverage preview of at `location`, with the address's filters (`filters`, as lineFiltersOf):
 * every visit of / but one that opens a photo.
 */
export function previewViewAt(location) {
  if (location.pathname !== '/') return null;
  const params = new URLSearchParams(location.search);
  return params.get('pKey') ? null : { ...viewOf(params), filters: lineFiltersOf(params) };
}
