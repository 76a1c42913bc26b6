// mapillary-js's data provider over Sightline's own v2 API (no other service): images from /v2/im, sequences from
// /v2/s, the images around a place (the viewer's geometry cells) from /v2/search/im/close, pixels from the thumbnails.
// Sightline keeps no 3D reconstruction, so every photo is a perspective camera placed at its GPS position, looking
// along its compass angle, with empty point clouds and meshes.
import { DataProviderBase, S2GeometryProvider } from 'mapillary-js';
import { api, authHeaders } from '../api.js';

const IMAGE_SIZE = 2048;
const FOCAL = 0.85; // a phone's or action camera's usual field of view (about 60 degrees across), normalized

export class SightlineDataProvider extends DataProviderBase {
  constructor() {
    super(new S2GeometryProvider(17));
    this.images = new Map(); // key -> Promise of the image ent
  }

  setAccessToken() { /* the app's token is sent with every call (see api.js) */ }

  async getCoreImages(cellId) {
    const corners = this._geometry.getVertices(cellId);
    const lats = corners.map(c => c.lat);
    const lngs = corners.map(c => c.lng);
    const center = { lat: (Math.min(...lats) + Math.max(...lats)) / 2, lng: (Math.min(...lngs) + Math.max(...lngs)) / 2 };
    const radius = Math.max(...corners.map(c => metersBetween(center, c))) + 1;
    const found = await api('/v2/search/im/close', { query: { lat: center.lat, lon: center.lng, distance: Math.ceil(radius), limit: 1000 } });
    const images = found.ims
      .filter(im => im.sequence_key && this._geometry.lngLatToCellId({ lat: im.lat, lng: im.lon }) === cellId)
      .map(im => ({ id: im.key, geometry: { lat: im.lat, lng: im.lon }, computed_geometry: { lat: im.lat, lng: im.lon }, sequence: { id: im.sequence_key } }));
    return { cell_id: cellId, images };
  }

  async getSpatialImages(imageIds) {
    return this.getImages(imageIds);
  }

  async getImages(imageIds) {
    return Promise.all(imageIds.map(async id => {
      try {
        return { node_id: id, node: await this.image(id) };
      } catch {
        return { node_id: id, node: null };
      }
    }));
  }

  async getImageBuffer(url, abort) {
    const controller = new AbortController();
    abort?.then(() => controller.abort()).catch(() => {});
    const response = await fetch(url, { headers: authHeaders(), signal: controller.signal });
    if (!response.ok) throw new Error(`image ${url} answered ${response.status}`);
    return response.arrayBuffer();
  }

  async getSequence(sequenceId) {
    const sequence = await api(`/v2/s/${encodeURIComponent(sequenceId)}`);
    return { id: sequence.key, image_ids: sequence.keys };
  }

  async getCluster(url) {
    const [, lat, lng] = url.split('|');
    return { id: url, points: {}, reference: { lat: Number(lat), lng: Number(lng), alt: 0 } };
  }

  async getMesh() {
    return { faces: [], vertices: [] };
  }

  /** The image ent of one photo: its summary from the API, and its aspect ratio from the smallest thumbnail. */
  image(key) {
    let entry = this.images.get(key);
    if (!entry) {
      entry = loadImage(key);
      entry.catch(() => this.images.delete(key));
      this.images.set(key, entry);
    }
    return entry;
  }
}

async function loadImage(key) {
  const path = encodeURIComponent(key);
  const [im, size] = await Promise.all([api(`/v2/im/${path}`), thumbnailSize(key)]);
  const ca = typeof im.ca === 'number' ? im.ca : 0;
  const geometry = { lat: im.lat, lng: im.lon };
  const scale = IMAGE_SIZE / Math.max(size.width, size.height);
  return {
    id: im.key,
    geometry,
    computed_geometry: geometry,
    sequence: { id: im.sequence_key },
    altitude: 2,
    computed_altitude: 2,
    atomic_scale: 1,
    camera_type: 'perspective',
    camera_parameters: [FOCAL, 0, 0],
    captured_at: im.captured_at,
    compass_angle: ca,
    computed_compass_angle: ca,
    computed_rotation: rotationFromCompass(ca),
    creator: { id: im.user, username: im.user },
    owner: { id: null },
    exif_orientation: 1, // the thumbnails are upright already
    width: Math.round(size.width * scale),
    height: Math.round(size.height * scale),
    merge_id: 'sightline',
    mesh: { id: `mesh|${im.key}`, url: `mesh|${im.key}` },
    cluster: { id: `cluster|${im.lat}|${im.lon}`, url: `cluster|${im.lat}|${im.lon}` },
    thumb: { id: im.key, url: `/${path}/thumb-${IMAGE_SIZE}.jpg` },
    private: null,
    quality_score: 1,
  };
}

async function thumbnailSize(key) {
  const response = await fetch(`/${encodeURIComponent(key)}/thumb-320.jpg`, { headers: authHeaders() });
  if (!response.ok) throw new Error(`thumbnail of ${key} answered ${response.status}`);
  const bitmap = await createImageBitmap(await response.blob());
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

/**
 * The camera's rotation (world ENU to camera, as an angle-axis vector) for a level camera looking along `ca` degrees
 * clockwise from north: a quarter turn about east (looking north, OpenSfM's camera axes), composed with the heading
 * about up. As quaternions: q = qx(90°) * qz(ca).
 */
export function rotationFromCompass(ca) {
  const h = (ca * Math.PI) / 180;
  const c = Math.SQRT1_2, s = Math.SQRT1_2;
  const u = Math.cos(h / 2), t = Math.sin(h / 2);
  const w = c * u;
  const v = [u * s, -s * t, c * t];
  const angle = 2 * Math.acos(Math.min(1, Math.max(-1, w)));
  const norm = Math.hypot(...v) || 1;
  return v.map(x => (x / norm) * angle);
}

function metersBetween(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad, dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}
