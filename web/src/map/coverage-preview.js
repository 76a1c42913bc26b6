// The first coverage lines before the map can draw them. MapLibre takes seconds to get going where WebGL is slow
// (evaluating its 1 MB of code, its WebGL context, its worker, its shaders), so the page asks for the tiles of the
// initial view itself, as soon as its small first script runs, and draws their lines in a 2D canvas beneath the map's:
// the same tiles (the zoom MapLibre covers the view with, the same URLs, which MapLibre's worker then finds in the HTTP
// cache), the same projection, colour, opacity, width, round caps and joins, each tile clipped to its square as the map
// clips it, only the lines the address's filters leave, as the map's layer filters them. The map's own lines land on top
// of these; the preview is removed once the map has drawn every tile in view, or as soon as the map moves.
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { LINE_COLOR, LINE_OPACITY, SOURCE_LAYER, TILE_MAX_ZOOM, lineMatches, lineWidthAt, tileUrl } from './coverage.js';
import { previewViewAt } from './first-view.js';
import { loadingSign } from './loading-sign.js';

const TILE_SIZE = 512; // a vector source's tile size, in pixels at its own zoom

export class CoveragePreview {
  /**
   * Starts drawing the view (`center` [lon, lat], `zoom`) into a canvas laid over `container`'s top left corner,
   * beneath what the container holds later (the map's canvas): the lines that pass `filters` (see lineFilter).
   */
  constructor(container, { center, zoom, filters = {} }) {
    this.filters = filters;
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'coverage-preview';
    this.canvas.setAttribute('aria-hidden', 'true');
    this.removed = false;
    this.anyDrawn = false;
    const width = container.clientWidth, height = container.clientHeight;
    if (!width || !height) {
      this.drawn = Promise.resolve(false);
      return;
    }
    container.prepend(this.canvas);
    // Timed from the page's start (time 0): the first lines are late after 300 ms of the page, not of this script.
    this.sign = loadingSign(container, undefined, 0);
    this.drawn = this.draw(width, height, center, zoom).catch(error => {
      console.warn('coverage preview', error);
      return false;
    });
  }

  /** Fetches the view's tiles and draws their lines; resolves true once something was drawn. */
  async draw(width, height, [lon, lat], zoom) {
    const ratio = window.devicePixelRatio || 1;
    const tileZoom = Math.min(TILE_MAX_ZOOM, Math.max(0, Math.floor(zoom)));
    const tiles = 2 ** tileZoom;
    const tileSpan = TILE_SIZE * 2 ** (zoom - tileZoom); // a tile's size on screen, in CSS pixels
    // The view's top left corner in the world's pixels at this zoom (Web Mercator), as MapLibre centres its camera.
    const world = tiles * tileSpan;
    const left = mercatorX(lon) * world - width / 2;
    const top = mercatorY(lat) * world - height / 2;
    const fetches = [];
    for (let y = Math.max(0, Math.floor(top / tileSpan)); y <= Math.min(tiles - 1, Math.floor((top + height) / tileSpan)); y++) {
      for (let x = Math.floor(left / tileSpan); x <= Math.floor((left + width) / tileSpan); x++) {
        const wrapped = ((x % tiles) + tiles) % tiles;
        fetches.push(fetch(tileUrl(tileZoom, wrapped, y), { priority: 'high' })
          .then(response => (response.ok ? response.arrayBuffer() : null))
          .then(bytes => ({ x, y, bytes })));
      }
    }
    performance.mark('sightline:preview-tiles-requested');
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const context = this.canvas.getContext('2d');
    context.scale(ratio, ratio);
    context.strokeStyle = LINE_COLOR;
    context.globalAlpha = LINE_OPACITY;
    context.lineWidth = lineWidthAt(zoom);
    context.lineCap = 'round';
    context.lineJoin = 'round';
    performance.mark('sightline:preview-canvas-ready');
    let drawn = false;
    // Each tile is drawn as it arrives.
    await Promise.all(fetches.map(async pending => {
      const { x, y, bytes } = await pending;
      if (!bytes || this.removed) return;
      const layer = new VectorTile(new PbfReader(bytes)).layers[SOURCE_LAYER];
      if (!layer) return;
      const originX = x * tileSpan - left, originY = y * tileSpan - top, scale = tileSpan / layer.extent;
      context.save();
      context.beginPath();
      context.rect(originX, originY, tileSpan, tileSpan);
      context.clip();
      for (let i = 0; i < layer.length; i++) {
        const feature = layer.feature(i);
        if (feature.type !== 2 || !lineMatches(this.filters, feature.properties)) continue; // lines, those the filters leave
        context.beginPath();
        for (const line of feature.loadGeometry()) {
          line.forEach((point, j) => {
            const px = originX + point.x * scale, py = originY + point.y * scale;
            if (j === 0) context.moveTo(px, py); else context.lineTo(px, py);
          });
        }
        context.stroke();
        drawn = true;
      }
      context.restore();
      this.anyDrawn ||= drawn;
      if (drawn) this.loaded();
    }));
    if (drawn && !this.removed) requestAnimationFrame(() => performance.mark('sightline:preview-lines-drawn'));
    return drawn;
  }

  /**
   * Resolves once the lines drawn so far are on screen, waiting at most `ms` for the view's tiles: the frame that shows a
   * 2D canvas needs this thread, which evaluating MapLibre next would hold for 0.3-1 s.
   */
  async shown(ms) {
    await Promise.race([this.drawn, new Promise(resolve => setTimeout(resolve, ms))]);
    if (this.anyDrawn && !document.hidden)
      await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 0))));
  }

  /**
   * Hands over to `map`: removed once the map has drawn all its tiles (idle), or when it moves or resizes; the loading
   * sign stays until lines are drawn or the map has loaded its view (idle), wherever it moved to.
   */
  handOver(map) {
    const remove = () => {
      map.off('movestart', remove);
      this.remove();
    };
    map.on('movestart', remove);
    map.once('resize', remove);
    map.once('idle', remove);
    if (this.sign) map.once('idle', () => this.loaded());
  }

  /** The first lines are on screen (or the map has loaded its view): the loading sign goes, for good. */
  loaded() {
    this.sign?.remove();
    this.sign = null;
  }

  remove() {
    this.removed = true;
    this.canvas.remove();
  }
}

let first = null; // the preview started by the page's first script, until Explore takes it

/**
 * Starts the preview of Explore's first view (`location`'s, see first-view.js) in `container` (the page's main area, which
 * the map fills), before the app is evaluated; null where Explore draws none (another page, a photo's address).
 */
export function startFirstLines(container, location) {
  const view = previewViewAt(location);
  if (!view || !container) return null;
  first = { preview: new CoveragePreview(container, view), search: location.search };
  return first.preview;
}

/**
 * The preview for Explore's map in `container` at view { center, zoom, filters }: the first script's, moved into the
 * map's container, when it was started for this same address; else a new one.
 */
export function coveragePreviewFor(container, view) {
  const started = first;
  first = null;
  if (started && started.search === location.search && !started.preview.removed) {
    container.prepend(started.preview.canvas);
    if (started.preview.sign) container.append(started.preview.sign);
    return started.preview;
  }
  started?.preview.remove();
  return new CoveragePreview(container, view);
}

function mercatorX(lon) {
  return (180 + lon) / 360;
}

function mercatorY(lat) {
  return (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;
}
