// The open photo: the viewer, previous/next along its sequence, its details (who, when, sequence, detections,
// thumbnail sizes), photos nearby, comments, and the community actions (blur request, complaint).
import { h, mount, toast, toastError, formatDate, thumbUrl } from '../ui.js';
import { api, ApiError, serverAnswers, UNREACHABLE } from '../api.js';
import { session } from '../session.js';
import { signIn } from '../auth.js';
import { BlurEditor } from './blur-editor.js';
import { PhotoPreview } from './photo-preview.js';
import { files } from '../config.js';

const VIEWER_LABEL = 'Photo viewer: arrow keys move to nearby photos, Alt with up and down arrows along the sequence';

export class PhotoPanel {
  constructor({ onImage, onBearing, onClose }) {
    this.onImage = onImage;
    this.onClose = onClose;
    this.onBearing = onBearing;
    this.viewerElement = h('div', { class: 'viewer', id: 'viewer' });
    this.prev = h('button', { type: 'button', class: 'nav-button', id: 'photo-prev', 'aria-label': 'Previous photo in the sequence', disabled: true, onclick: () => this.step(-1) }, '‹ Previous');
    this.next = h('button', { type: 'button', class: 'nav-button', id: 'photo-next', 'aria-label': 'Next photo in the sequence', disabled: true, onclick: () => this.step(1) }, 'Next ›');
    this.closeButton = h('button', { type: 'button', class: 'nav-button close', 'aria-label': 'Close the photo', onclick: () => this.onClose() }, '✕');
    this.status = h('p', { class: 'viewer-status', role: 'status' });
    this.details = h('div', { class: 'details', id: 'photo-details' });
    this.preview = new PhotoPreview();
    this.element = h('section', { class: 'photo-pane', 'aria-label': 'Photo' },
      h('div', { class: 'viewer-wrap' }, this.viewerElement, this.preview.element,
        h('div', { class: 'viewer-nav' }, this.prev, this.next, this.closeButton), this.status),
      this.details);
    this.element.addEventListener('keydown', event => {
      if (event.target.closest('input, textarea, select')) return;
      if (event.key === '[' || event.key === 'PageUp') { event.preventDefault(); this.step(-1); }
      if (event.key === ']' || event.key === 'PageDown') { event.preventDefault(); this.step(1); }
    });
    session.onChange(() => this.key && this.renderDetails(this.key));
  }

  // mapillary-js (and three.js, 1 MB) and its style load with the first photo opened, or before, once the map is drawn
  // and the page is idle (prewarm), so that a click finds them ready.
  loadViewer() {
    this.loading ??= Promise.all([import('../viewer/viewer.js'), loadStyle(files.viewerStyle)]).then(([module]) => {
      performance.mark('sightline:viewer-loaded');
      return module;
    });
    return this.loading;
  }

  async ensureViewer() {
    if (this.viewer) return;
    const { PhotoViewer } = await this.loadViewer();
    if (this.viewer) return;
    this.viewer = new PhotoViewer(this.viewerElement, VIEWER_LABEL);
    performance.mark('sightline:viewer-constructed');
    this.viewer.on('image', event => this.imageShown(event.image.id));
    this.viewer.on('bearing', event => this.onBearing(event.bearing));
  }

  /**
   * Loads and sets up the viewer ahead of the first photo, in its hidden pane (called when the page is idle): its code
   * takes a second to evaluate and its WebGL context as long again in a software renderer, which a click then skips.
   */
  async prewarm() {
    try {
      await this.ensureViewer();
      performance.mark('sightline:viewer-prewarmed');
    } catch (error) {
      console.warn('viewer', error);
    }
  }

  /**
   * Opens photo `key`: its preview first (`reveal` called right before it is put on the page, or once it failed, to
   * show this pane), then (`afterPreview` called) the viewer.
   */
  async open(key, reveal = () => {}, afterPreview = () => {}) {
    this.status.textContent = 'Loading photo…';
    const previewed = this.preview.show(key, reveal);
    // The photo comes first, and a frame to show it in: the viewer would hold this thread and the GPU process for a
    // second or more (evaluating its code, creating its WebGL context, decoding and uploading a 2048 px texture,
    // compiling its shaders), and in a software renderer that delays the preview's frame as much.
    await previewed;
    reveal();
    await nextFrame();
    afterPreview();
    await this.ensureViewer();
    this.viewer.resize();
    this.status.textContent = 'Loading photo…';
    try {
      await this.viewer.moveTo(key);
    } catch (error) {
      console.warn('moveTo failed', key, error?.name, error?.message);
      if (error?.name === 'CancelMapillaryError') return;
      this.preview.hide();
      this.status.textContent = '';
      this.key = key;
      // The viewer says only that it failed: a server that does not answer is not a photo that does not exist.
      const reachable = await serverAnswers();
      if (this.key !== key) return;
      mount(this.details, h('p', { class: 'error' }, reachable ? 'This photo does not exist, or you may not see it.' : UNREACHABLE));
      console.warn('moveTo', error);
    }
  }

  close() {
    this.preview.hide();
    this.key = null;
    this.image = null;
  }

  async step(direction) {
    if (!this.image) return;
    const key = await this.viewer.neighbour(this.image.key, this.image.sequence_key, direction);
    if (key) this.viewer.moveTo(key).catch(() => {});
  }

  async imageShown(key) {
    this.key = key;
    this.status.textContent = '';
    this.element.dataset.photoKey = key; // for tests and scripts: the photo shown now
    performance.mark('sightline:photo-shown');
    this.preview.handOver(key);
    try {
      this.image = await api(`/v2/im/${encodeURIComponent(key)}`);
    } catch (error) {
      mount(this.details, h('p', { class: 'error' }, error.message));
      return;
    }
    this.onImage(this.image);
    const [before, after] = await Promise.all([
      this.viewer.neighbour(key, this.image.sequence_key, -1), this.viewer.neighbour(key, this.image.sequence_key, 1)]);
    this.prev.disabled = !before;
    this.next.disabled = !after;
    this.renderDetails(key);
  }

  async renderDetails(key) {
    const image = this.image;
    if (!image || image.key !== key) return;
    const sizes = [320, 640, 1024, 2048].map(size => h('a', { href: thumbUrl(key, size), target: '_blank', rel: 'noopener' }, `${size}px`));
    const detections = h('ul', { class: 'detections' });
    const comments = h('ol', { class: 'comments', 'aria-label': 'Comments' });
    const nearby = h('ul', { class: 'nearby' });
    mount(this.details,
      h('h2', { class: 'photo-title' }, 'Photo by ', h('a', { href: `/users/${encodeURIComponent(image.user)}`, 'data-link': true }, image.user)),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Taken'), h('dd', {}, formatDate(image.captured_at)),
        h('dt', {}, 'Place'), h('dd', {}, image.location ?? '—'),
        h('dt', {}, 'Direction'), h('dd', {}, typeof image.ca === 'number' ? `${Math.round(image.ca)}°` : 'unknown'),
        h('dt', {}, 'Position'), h('dd', {}, `${image.lat.toFixed(6)}, ${image.lon.toFixed(6)}`),
        h('dt', {}, 'Sequence'), h('dd', { class: 'mono' }, image.sequence_key ?? '—'),
        h('dt', {}, 'Key'), h('dd', { class: 'mono' }, image.key),
        h('dt', {}, 'Sizes'), h('dd', { class: 'sizes' }, sizes)),
      h('p', { class: 'license muted' }, 'Licensed CC BY-SA 4.0 by its author.'),
      h('h3', {}, 'Detections'), detections,
      h('h3', {}, 'Nearby'), nearby,
      h('h3', {}, 'Comments'), comments, this.commentForm(key),
      this.actions(key));
    this.loadDetections(key, detections);
    this.loadComments(key, comments);
    this.loadNearby(image, nearby);
  }

  async loadDetections(key, list) {
    try {
      const found = await api(`/v2/im/${encodeURIComponent(key)}/or`);
      this.viewer.showDetections(found.or_rects ?? []);
      mount(list, (found.or_rects ?? []).map(r => h('li', {}, r.type, h('span', { class: 'muted' }, ` score ${r.score}`))));
      if (!found.or_rects?.length) mount(list, h('li', { class: 'muted' }, 'None found.'));
    } catch {
      mount(list, h('li', { class: 'muted' }, 'Not available.'));
    }
  }

  async loadComments(key, list) {
    try {
      const found = await api(`/v2/im/${encodeURIComponent(key)}/cm`);
      mount(list, found.cms.map(c => h('li', { class: 'comment' },
        h('p', { class: 'comment-text' }, c.comment),
        h('p', { class: 'muted' }, h('a', { href: `/users/${encodeURIComponent(c.user.username)}`, 'data-link': true }, c.user.username), ` · ${formatDate(c.created_at)}`))));
      if (!found.cms.length) mount(list, h('li', { class: 'muted' }, 'No comments yet.'));
    } catch (error) {
      mount(list, h('li', { class: 'error' }, error.message));
    }
  }

  async loadNearby(image, list) {
    try {
      const found = await api('/v2/search/im/close', { query: { lat: image.lat, lon: image.lon, distance: 60, limit: 9 } });
      mount(list, found.ims.filter(im => im.key !== image.key).slice(0, 8).map(im => h('li', {},
        h('button', { type: 'button', class: 'thumb-button', 'aria-label': `Open photo ${Math.round(im.distance ?? 0)} m away`, onclick: () => this.viewer.moveTo(im.key).catch(() => {}) },
          h('img', { src: thumbUrl(im.key, 320), alt: '', loading: 'lazy', width: 120, height: 90 })))));
    } catch {
      mount(list);
    }
  }

  commentForm(key) {
    if (!session.token) return h('p', {}, h('button', { type: 'button', class: 'link', onclick: () => signIn() }, 'Sign in'), ' to comment.');
    const text = h('textarea', { id: 'comment-text', name: 'cm', rows: 3, maxlength: 2000, required: true });
    // Kept as it is typed (this tab only): a sign-in that ends while writing, or the way through the sign-in pages,
    // does not throw the text away.
    const draft = `sightline.comment.${key}`;
    text.value = sessionStorage.getItem(draft) ?? '';
    text.addEventListener('input', () => sessionStorage.setItem(draft, text.value));
    const form = h('form', { class: 'comment-form' },
      h('label', { for: 'comment-text' }, 'Your comment'), text, h('button', { type: 'submit' }, 'Post comment'));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await api(`/v2/im/${encodeURIComponent(key)}/cm`, { method: 'POST', body: { cm: text.value } });
        text.value = '';
        sessionStorage.removeItem(draft);
        toast('Comment posted.');
        this.loadComments(key, this.details.querySelector('.comments'));
      } catch (error) {
        toastError(error, { cm: 'Your comment' });
      }
    });
    return form;
  }

  actions(key) {
    const complaint = h('textarea', { id: 'complaint-text', rows: 2, maxlength: 2000, required: true });
    const complain = h('form', { class: 'complaint-form' },
      h('label', { for: 'complaint-text' }, 'What is wrong with this photo?'), complaint, h('button', { type: 'submit', class: 'secondary' }, 'Send complaint'));
    complain.addEventListener('submit', async event => {
      event.preventDefault();
      try {
        await api(`/v2/im/${encodeURIComponent(key)}/complain`, { method: 'POST', body: { cm: complaint.value } });
        complaint.value = '';
        toast('Complaint sent to the moderators.');
      } catch (error) {
        toastError(error, { cm: 'Your complaint', key: () => 'You have already complained about this photo: a moderator will review that complaint.' });
      }
    });
    const blur = session.token
      ? h('button', { type: 'button', id: 'request-blur', class: 'secondary', onclick: () => new BlurEditor(key).open() }, 'Request a blur…')
      : null;
    return h('details', { class: 'actions' }, h('summary', {}, 'Report or blur'), blur, complain);
  }
}

export { ApiError };

/**
 * Resolves once the frame with what was just put on the page has been drawn: two animation frames (the second begins
 * after the first was handed to the compositor), then a task. The viewer's WebGL work must not start before: in a
 * software renderer it holds the GPU process, and with it every frame of the page, for a second or more. A tab that
 * draws nothing (hidden) waits for no frame.
 */
function nextFrame() {
  return new Promise(resolve => {
    if (document.hidden) return setTimeout(resolve, 0);
    const timer = setTimeout(resolve, 2000);
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); resolve(); }, 0)));
  });
}

/**
 * Adds the viewer's style sheet to the page, before the app's own (as when both were one file, so that the app's rules
 * for the viewer's box still win); resolves once it applies, or failed (the viewer still works).
 */
function loadStyle(href) {
  return new Promise(resolve => {
    const link = h('link', { rel: 'stylesheet', href });
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', resolve, { once: true });
    document.head.insertBefore(link, document.head.querySelector('link[rel=stylesheet]'));
  });
}
