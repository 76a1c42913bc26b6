// The basemap: a style URL from the server's settings (Viewer:BasemapStyle), or the bundled offline one drawn from
// Natural Earth's land, coasts and country borders (world-atlas, cut at the antimeridian at build time:
// web/tools/basemap.mjs), which needs no network beyond this server.
import { feature } from 'topojson-client';
import { config, files } from '../config.js';
import { coverageSources, coverageLayers } from './coverage.js';

const WATER = '#c9dcea';
const LAND = '#f3f1ec';
const BORDER = '#a7a29a';

/**
 * The style to start the map with: a configured style (the coverage is added once it has loaded), or the offline one
 * with the coverage in it from the start, so that the map asks for the first coverage tiles while it is still setting
 * up (compiling its shaders) rather than after its load event. The offline style starts with no layer beneath the
 * coverage: the map's container shows the land colour through the canvas (style.css), which saves a shader program
 * before the first line. Water, land and borders come once the coverage is drawn (see addOfflineBasemap). The lines have
 * the address's `filters` from the start: a shared filtered link never draws the others first.
 */
export function initialStyle(filters) {
  if (config.basemapStyle) return config.basemapStyle;
  return { version: 8, sources: coverageSources(), layers: coverageLayers(filters) };
}

/** Adds the offline land and borders beneath the coverage (no-op with a configured style). */
export async function addOfflineBasemap(map, beforeLayer) {
  if (config.basemapStyle) return;
  const basemap = await fetch(files.basemap).then(r => r.json());
  performance.mark('sightline:basemap-fetched');
  const attribution = 'Basemap: <a href="https://www.naturalearthdata.com/">Natural Earth</a> (public domain)';
  const geojson = name => feature(basemap, basemap.objects[name]);
  map.addSource('land', { type: 'geojson', data: geojson('land'), attribution, tolerance: 0.6 });
  // The coast as lines of its own: the land's outline would also stroke its cuts along the antimeridian.
  map.addSource('coast', { type: 'geojson', data: geojson('coast'), tolerance: 0.6 });
  map.addSource('borders', { type: 'geojson', data: geojson('borders'), tolerance: 0.6 });
  performance.mark('sightline:basemap-decoded');
  const before = map.getLayer(beforeLayer) ? beforeLayer : undefined;
  map.addLayer({ id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': LAND } }, before);
  map.addLayer({
    id: 'land-outline', type: 'line', source: 'coast',
    paint: { 'line-color': '#b9c9d6', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 10, 1.5] },
  }, before);
  map.addLayer({
    id: 'borders', type: 'line', source: 'borders',
    paint: { 'line-color': BORDER, 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.6, 10, 1.4], 'line-dasharray': [3, 2] },
  }, before);
  // The water (a background beneath the land) only once the land is cut into tiles and can be drawn over it: the map
  // shows the land colour until then, never a sea where the land has not been drawn yet.
  const landReady = event => {
    if (event.sourceId !== 'land' || !event.isSourceLoaded || map.getLayer('water')) return;
    map.off('sourcedata', landReady);
    map.addLayer({ id: 'water', type: 'background', paint: { 'background-color': WATER } }, 'land');
  };
  map.on('sourcedata', landReady);
}
