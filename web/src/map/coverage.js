// Sightline's coverage on the map: sequences from the server's vector tiles (/tiles/{z}/{x}/{y}.mapbox), photo points
// from the image search at street zoom, and the open photo's marker with its viewing cone.
import { api } from '../api.js';

export const LINE_LAYER = 'coverage-lines';
export const POINT_LAYER = 'coverage-points';
export const POINT_ZOOM = 16;
export const SOURCE_LAYER = 'mapillary-sequences';
export const TILE_MAX_ZOOM = 14;
export const LINE_COLOR = '#0a7d3b';
export const LINE_OPACITY = 0.9;
// The line's width in pixels: [zoom, width] stops, interpolated exponentially (base 1.5) between them. Wider when zoomed
// out: a town's streets are then a pixel or two long, and a round-capped line that wide is a dot one can see and click,
// not a speck that vanishes (the tiles draw every sequence at least a pixel long at every zoom).
const LINE_WIDTH_BASE = 1.5;
const LINE_WIDTH_STOPS = [[3, 7], [8, 5], [12, 3], [18, 6]];
const SELECTED = '#d9480f';

/** The coverage's sources, for a style: the server's vector tiles, the photo points, the open photo's marker. */
export function coverageSources() {
  return {
    coverage: {
      type: 'vector',
      tiles: [tileUrl('{z}', '{x}', '{y}')],
      minzoom: 0,
      maxzoom: TILE_MAX_ZOOM,
      attribution: 'Photos © their authors, CC BY-SA 4.0',
    },
    points: { type: 'geojson', data: empty() },
    current: { type: 'geojson', data: empty() },
  };
}

/** The coverage's layers, drawn above any basemap; the lines with `filters` (see lineFilter) from the start. */
export function coverageLayers(filters = {}) {
  const filter = lineFilter(filters);
  return [
    {
      id: LINE_LAYER, type: 'line', source: 'coverage', 'source-layer': SOURCE_LAYER, ...(filter ? { filter } : {}),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': LINE_COLOR,
        'line-width': ['interpolate', ['exponential', LINE_WIDTH_BASE], ['zoom'], ...LINE_WIDTH_STOPS.flat()],
        'line-opacity': LINE_OPACITY,
      },
    },
    {
      id: POINT_LAYER, type: 'circle', source: 'points', minzoom: POINT_ZOOM,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], POINT_ZOOM, 3.5, 20, 7],
        'circle-color': pointColor('angle'),
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.2,
      },
    },
    { id: 'current-cone', type: 'fill', source: 'current', filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': SELECTED, 'fill-opacity': 0.35 } },
    { id: 'current-point', type: 'circle', source: 'current', filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 8, 'circle-color': SELECTED, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2.5 } },
  ];
}

/** The address of a coverage tile (MapLibre fills in the template's {z}/{x}/{y}; the preview asks for the same URLs). */
export function tileUrl(z, x, y) {
  return `${location.origin}/tiles/${z}/${x}/${y}.mapbox`;
}

/** The lines' width at `zoom`, as MapLibre evaluates the layer's exponential interpolation (for the preview). */
export function lineWidthAt(zoom) {
  const stops = LINE_WIDTH_STOPS;
  if (zoom <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i++) {
    const [z1, w1] = stops[i], [z0, w0] = stops[i - 1];
    if (zoom > z1) continue;
    const t = (LINE_WIDTH_BASE ** (zoom - z0) - 1) / (LINE_WIDTH_BASE ** (z1 - z0) - 1);
    return w0 + t * (w1 - w0);
  }
  return stops[stops.length - 1][1];
}

/** Adds the coverage to a map whose style came without it (a configured basemap style, once loaded). */
export function addCoverage(map) {
  if (map.getSource('coverage')) return;
  for (const [id, source] of Object.entries(coverageSources())) map.addSource(id, source);
  for (const layer of coverageLayers()) map.addLayer(layer);
}

/** Sets the performance mark of the first coverage tile that reached the map (read by bench/webapp). */
export function markFirstCoverageTile(map) {
  const tileLoaded = event => {
    if (event.sourceId !== 'coverage' || !event.tile) return;
    performance.mark('sightline:coverage-tile-loaded');
    map.off('sourcedata', tileLoaded);
  };
  map.on('sourcedata', tileLoaded);
}

const lines = new Map(); // sequence key -> its photos' keys and tile positions, for nearestPhoto (a few recent ones)

/**
 * The key of the photo of a line (a feature of LINE_LAYER, as a click or a hover finds it) nearest to `lngLat`, from the
 * tile alone: the tile's line has one point per photo, in order, and carries their keys. Null when it cannot tell (an
 * overview tile carries no keys; photos closer together than a tile unit share a point): the server's search answers
 * then.
 */
export function nearestPhoto(feature, lngLat) {
  const sequence = feature.properties.key;
  let line = lines.get(sequence);
  if (!line) {
    if (typeof feature.properties.keys !== 'string' || feature.geometry.type !== 'LineString') return null;
    line = { keys: JSON.parse(feature.properties.keys), points: feature.geometry.coordinates };
    if (lines.size > 20) lines.clear();
    lines.set(sequence, line);
  }
  if (line.keys.length !== line.points.length) return null;
  // Nearest in Web Mercator (planar, as on screen): x is longitude, y is the Mercator ordinate.
  const y = lat => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * 180 / Math.PI;
  const clickY = y(lngLat.lat);
  let best = -1, bestDistance = Infinity;
  line.points.forEach(([lon, lat], i) => {
    const distance = (lon - lngLat.lng) ** 2 + (y(lat) - clickY) ** 2;
    if (distance < bestDistance) { best = i; bestDistance = distance; }
  });
  return best >= 0 ? line.keys[best] : null;
}

/** Colours points by compass angle (a hue wheel) or by age (recent green to old grey). */
export function pointColor(mode) {
  if (mode === 'age') {
    const now = Date.now();
    return ['interpolate', ['linear'], ['get', 'captured_at'],
      now - 10 * 365 * 864e5, '#8a8a8a', now - 2 * 365 * 864e5, '#3b7dd8', now, '#0a7d3b'];
  }
  return ['case', ['==', ['typeof', ['get', 'ca']], 'number'],
    ['interpolate', ['linear'], ['get', 'ca'], 0, '#d62828', 90, '#f08c00', 180, '#2b8a3e', 270, '#1c7ed6', 360, '#d62828'],
    '#555'];
}

/**
 * The tile layer's filter for the user and date filters (tiles carry username and captured_at as strings). Usernames
 * compare without case, as the API's searches do ("Demo" is demo), so lines and points agree.
 */
export function lineFilter({ user, from, to }) {
  const parts = ['all'];
  if (user) parts.push(['==', ['downcase', ['to-string', ['get', 'username']]], user.toLowerCase()]);
  if (from) parts.push(['>=', ['to-number', ['get', 'captured_at']], from]);
  if (to) parts.push(['<=', ['to-number', ['get', 'captured_at']], to]);
  return parts.length > 1 ? parts : null;
}

/** Whether a tile's line (its feature's `properties`) passes lineFilter(`filters`): the same test, for the preview's 2D canvas. */
export function lineMatches({ user, from, to }, properties) {
  if (user && String(properties.username ?? '').toLowerCase() !== user.toLowerCase()) return false;
  const captured = Number(properties.captured_at ?? 0); // as MapLibre's to-number: a line without one is at 0
  if (from && !(captured >= from)) return false;
  if (to && !(captured <= to)) return false;
  return true;
}

let pointsRequest;
/** Loads the photos in view as points (street zoom only), with the same filters as the lines. */
export async function refreshPoints(map, filters) {
  if (map.getZoom() < POINT_ZOOM) return;
  pointsRequest?.abort();
  pointsRequest = new AbortController();
  const b = map.getBounds();
  try {
    const query = {
      min_lat: b.getSouth(), max_lat: b.getNorth(), min_lon: b.getWest(), max_lon: b.getEast(), limit: 1000,
      user: filters.user, start_time: filters.from, end_time: filters.to, project: filters.project,
    };
    const found = await api('/v2/search/im', { query, signal: pointsRequest.signal });
    map.getSource('points')?.setData({
      type: 'FeatureCollection',
      features: found.ims.map(im => ({
        type: 'Feature', geometry: { type: 'Point', coordinates: [im.lon, im.lat] },
        properties: { key: im.key, ca: im.ca ?? null, captured_at: im.captured_at, sequence_key: im.sequence_key },
      })),
    });
  } catch (error) {
    if (error.name !== 'AbortError') console.warn('points', error);
  }
}

/** Draws the open photo's marker and a viewing cone toward `bearing` (degrees from north). */
export function showCurrent(map, lngLat, bearing) {
  const features = [{ type: 'Feature', geometry: { type: 'Point', coordinates: [lngLat.lng, lngLat.lat] }, properties: {} }];
  if (typeof bearing === 'number' && !Number.isNaN(bearing)) features.unshift(cone(lngLat, bearing, 60, 18));
  map.getSource('current')?.setData({ type: 'FeatureCollection', features });
}

function cone(center, bearing, fov, meters) {
  const ring = [[center.lng, center.lat]];
  const metersPerDegLat = 111320;
  const metersPerDegLng = metersPerDegLat * Math.cos(center.lat * Math.PI / 180);
  for (let a = bearing - fov / 2; a <= bearing + fov / 2 + 0.01; a += fov / 8) {
    const r = a * Math.PI / 180;
    ring.push([center.lng + Math.sin(r) * meters / metersPerDegLng, center.lat + Math.cos(r) * meters / metersPerDegLat]);
  }
  ring.push(ring[0]);
  return { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: {} };
}

function empty() {
  return { type: 'FeatureCollection', features: [] };
}
