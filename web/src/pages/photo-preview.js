// The photo at once: a click on the map shows the photo's 1024 px thumbnail as a plain image over the viewer's pane,
// while mapillary-js loads its code, sets up WebGL and fetches what it needs; the viewer takes over once it has drawn
// the photo (a progressive viewer, as Mapillary's own site does). Private photos are fetched with the person's token,
// as the viewer does, so a stranger sees no preview of a photo the API hides from them.
import { h, thumbUrl } from '../ui.js';
import { authHeaders } from '../api.js';

const PREVIEW_SIZE = 1024;

export class PhotoPreview {
  constructor() {
    this.element = h('img', { class: 'viewer-preview', alt: '', hidden: true, decoding: 'async' });
    this.key = null;
    this.url = null;
  }

  /** Starts fetching photo `key`'s thumbnail (the pointer is over it), for a show that may follow. */
  prefetch(key) {
    if (this.fetched?.key === key) return;
    const token = authHeaders().authorization;
    this.fetched = {
      key, token,
      blob: fetch(thumbUrl(key, PREVIEW_SIZE), { headers: authHeaders() }).then(response => (response.ok ? response.blob() : null)).catch(() => null),
    };
  }

  /**
   * Shows photo `key` as soon as its thumbnail is decoded, unless something else was asked for meanwhile;
   * `beforeShow` is called right before, in the same task (the page shows the pane then).
   */
  async show(key, beforeShow = () => {}) {
    this.hide();
    this.key = key;
    performance.mark('sightline:preview-requested');
    if (this.fetched?.key !== key || this.fetched.token !== authHeaders().authorization) this.prefetch(key);
    const fetched = this.fetched;
    let url;
    try {
      const blob = await fetched.blob;
      if (!blob || this.key !== key) return;
      performance.mark('sightline:preview-fetched');
      url = URL.createObjectURL(blob);
      const image = new Image();
      image.src = url;
      await image.decode(); // decoded off the page's thread, so swapping it in below shows it in the next frame
      if (this.key !== key) { URL.revokeObjectURL(url); return; }
      performance.mark('sightline:preview-decoded');
    } catch {
      if (url) URL.revokeObjectURL(url);
      return; // the viewer reports a photo it cannot show
    }
    beforeShow();
    this.url = url;
    this.element.src = url;
    this.element.alt = 'Photo (loading the viewer)';
    this.element.hidden = false;
    this.element.dataset.photoKey = key; // for tests and scripts: the photo previewed now
    requestAnimationFrame(() => performance.mark('sightline:preview-shown'));
  }

  /** The viewer has drawn photo `key`: the preview steps aside once that frame is on screen. */
  handOver(key) {
    if (this.key !== key) return;
    requestAnimationFrame(() => requestAnimationFrame(() => { if (this.key === key) this.hide(); }));
  }

  hide() {
    this.key = null;
    this.element.hidden = true;
    this.element.removeAttribute('src');
    delete this.element.dataset.photoKey;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
  }
}
