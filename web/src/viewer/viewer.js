// The photo viewer: mapillary-js on Sightline's data provider, with the app's own previous/next along the sequence
// and the photo's detections drawn as rectangles with their class names.
import { Viewer, CameraControls, OutlineTag, RectGeometry } from 'mapillary-js';
import { SightlineDataProvider } from './provider.js';
import { api } from '../api.js';

export class PhotoViewer {
  /** A viewer in `container`, whose one tab stop is named `label`. */
  constructor(container, label) {
    this.provider = new SightlineDataProvider();
    this.viewer = new Viewer({
      container,
      dataProvider: this.provider,
      imageTiling: false,
      cameraControls: CameraControls.Street,
      trackResize: true,
      component: {
        // The attribution and cover components link to the Mapillary service; this viewer shows Sightline's photos.
        attribution: false,
        cover: false,
        bearing: true,
        cache: true,
        direction: true,
        keyboard: true,
        sequence: { visible: false },
        spatial: false,
        tag: true,
        zoom: true,
      },
    });
    this.keyboardFocus(container, label);
    this.sequences = new Map();
    this.current = null;
    window.sightlineViewer = this; // for the end-to-end tests and the bench: the viewer's state, read only
  }

  /**
   * mapillary-js reads its keys (the arrows, Alt with them) on its canvas's container, not on the viewer's element, so
   * that container is the viewer's one tab stop, named: a tab stop on the viewer's element heard no key. Its canvas,
   * focusable too (and nameless), is focused by a click only, and its keys reach the container.
   */
  keyboardFocus(container, label) {
    const keys = container.querySelector('.mapillary-interactive');
    if (!keys) return;
    keys.tabIndex = 0;
    keys.setAttribute('role', 'application'); // a screen reader passes the arrow keys on to it
    keys.setAttribute('aria-label', label);
    const untab = () => keys.querySelectorAll('canvas[tabindex="0"]').forEach(canvas => { canvas.tabIndex = -1; });
    untab();
    new MutationObserver(untab).observe(keys, { childList: true });
  }

  on(type, handler) { this.viewer.on(type, handler); }

  moveTo(key) {
    return this.viewer.moveTo(key);
  }

  /** The open photo's sequence (keys in order), cached. */
  sequence(sequenceKey) {
    if (!this.sequences.has(sequenceKey)) {
      const request = api(`/v2/s/${encodeURIComponent(sequenceKey)}`);
      request.catch(() => this.sequences.delete(sequenceKey));
      this.sequences.set(sequenceKey, request);
    }
    return this.sequences.get(sequenceKey);
  }

  /** The key `step` photos along the sequence from `key`, or null at either end. */
  async neighbour(key, sequenceKey, step) {
    if (!sequenceKey) return null;
    const sequence = await this.sequence(sequenceKey);
    const index = sequence.keys.indexOf(key);
    const next = sequence.keys[index + step];
    return index >= 0 && next ? next : null;
  }

  /** Shows detections (DR[]) as outlined rectangles labelled with their class. */
  showDetections(rects) {
    const tags = this.viewer.getComponent('tag');
    tags.removeAll();
    tags.add(rects.map((rect, i) => new OutlineTag(`detection-${i}`, new RectGeometry(rect.rect), {
      text: rect.type, textColor: 0xffffff, lineColor: 0xffd43b, lineWidth: 2, fillOpacity: 0,
    })));
  }

  resize() { this.viewer.resize(); }
}
