// The offline basemap's TopoJSON, made at build time from world-atlas (Natural Earth): land and its coasts at 1:50m,
// country borders at 1:110m, cut at the antimeridian. world-atlas is spherical (d3's winding; Russia, Fiji and
// Antarctica's rings cross +-180 and Antarctica's goes round the pole), but MapLibre fills and strokes in the plane, so
// uncut it draws land over the North Atlantic and lines across the world. d3's antimeridian clipping, through an
// equirectangular projection that leaves degrees as they are, cuts every ring and line there; the result is planar
// longitude/latitude, re-encoded as a quantized topology so the file stays small.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { geoEquirectangular } from 'd3-geo';
import { geoProject } from 'd3-geo-projection';
import { topology } from 'topojson-server';
import { feature, mesh } from 'topojson-client';

/** The basemap topology (objects land: polygons, coast and borders: lines), as JSON text. */
export function basemapTopology(modules) {
  const read = name => JSON.parse(readFileSync(join(modules, 'world-atlas', name), 'utf8'));
  const land = read('land-50m.json');
  const countries = read('countries-110m.json');
  // Degrees in, degrees out (y is down in d3's projections: flipped back below); precision 0: no resampling, so each
  // edge stays the straight segment between its two points that MapLibre draws.
  const degrees = geoEquirectangular().scale(180 / Math.PI).translate([0, 0]).precision(0);
  const cut = geometry => flipY(geoProject(geometry, degrees));
  const objects = {
    land: cut(feature(land, land.objects.land.geometries[0])), // one MultiPolygon
    coast: cut(mesh(land, land.objects.land)),
    borders: cut(mesh(countries, countries.objects.countries, (a, b) => a !== b)),
  };
  return JSON.stringify(topology(objects, 1e5));
}

// Screen y (down) back to latitude (up), which also turns the rings' winding back to GeoJSON's (exterior counterclockwise).
function flipY(object) {
  const geometry = object.type === 'Feature' ? object.geometry : object;
  const flip = coordinates => typeof coordinates[0] === 'number' ? [coordinates[0], -coordinates[1]] : coordinates.map(flip);
  return { type: geometry.type, coordinates: flip(geometry.coordinates) };
}
