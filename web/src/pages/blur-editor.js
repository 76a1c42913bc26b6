// A blur request: the person draws rectangles over the photo (mouse, touch or pen; or keyboard: a centred box moved
// with the arrow keys), and the request is sent as the complete set wanted (existing blurs plus the new ones).
import { h, mount, toast, toastError, thumbUrl } from '../ui.js';
import { api, fetchBlobUrl } from '../api.js';

export class BlurEditor {
  constructor(key) {
    this.key = key;
    this.rects = [];
  }

  async open() {
    const image = h('img', { alt: 'The photo to draw blur rectangles on', draggable: false });
    this.surface = h('div', { class: 'blur-surface', tabindex: '0', 'aria-label': 'Drag to draw a rectangle to blur' }, image);
    this.list = h('ul', { class: 'blur-list' });
    const send = h('button', { type: 'submit', id: 'send-blur' }, 'Send blur request');
    const dialog = h('dialog', { class: 'blur-dialog', 'aria-labelledby': 'blur-title' },
      h('form', { method: 'dialog' },
        h('h2', { id: 'blur-title' }, 'Request a blur'),
        h('p', { class: 'muted' }, 'Drag over faces, plates or anything private. A moderator reviews the request.'),
        this.surface, this.list,
        h('div', { class: 'row' }, send,
          h('button', { type: 'button', class: 'secondary', onclick: () => this.add([0.4, 0.4, 0.6, 0.6]) }, 'Add a box in the middle'),
          h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'))));
    dialog.addEventListener('close', () => dialog.remove());
    dialog.querySelector('form').addEventListener('submit', event => {
      event.preventDefault();
      this.send().then(ok => ok && dialog.close());
    });
    document.body.append(dialog);
    dialog.showModal();
    try {
      image.src = await fetchBlobUrl(thumbUrl(this.key, 1024));
    } catch (error) {
      toastError(error, BLUR_FIELDS);
    }
    this.listen();
  }

  listen() {
    let start = null, box = null;
    const at = event => {
      const r = this.surface.getBoundingClientRect();
      return [clamp((event.clientX - r.left) / r.width), clamp((event.clientY - r.top) / r.height)];
    };
    this.surface.addEventListener('pointerdown', event => {
      event.preventDefault();
      this.surface.setPointerCapture(event.pointerId);
      start = at(event);
      box = h('div', { class: 'blur-rect drawing' });
      this.surface.append(box);
    });
    this.surface.addEventListener('pointermove', event => {
      if (!start) return;
      place(box, normalize(start, at(event)));
    });
    this.surface.addEventListener('pointerup', event => {
      if (!start) return;
      const rect = normalize(start, at(event));
      box.remove();
      start = null;
      if (rect[2] - rect[0] > 0.005 && rect[3] - rect[1] > 0.005) this.add(rect);
    });
  }

  add(rect) {
    this.rects.push(rect.map(v => Math.round(v * 10000) / 10000));
    this.draw();
  }

  draw() {
    for (const old of this.surface.querySelectorAll('.blur-rect')) old.remove();
    this.rects.forEach(rect => this.surface.append(place(h('div', { class: 'blur-rect' }), rect)));
    mount(this.list, this.rects.map((rect, i) => h('li', {}, `Rectangle ${i + 1}`,
      h('button', { type: 'button', class: 'link', onclick: () => { this.rects.splice(i, 1); this.draw(); } }, 'remove'))));
  }

  async send() {
    if (!this.rects.length) {
      toast('Draw at least one rectangle first.', 'error');
      return false;
    }
    try {
      const current = await api(`/v2/im/${encodeURIComponent(this.key)}/b`);
      const bs = [...current.bs, ...this.rects.map(rect => ({ type: 'useredit', rect }))];
      await api(`/v2/im/${encodeURIComponent(this.key)}/b`, { method: 'POST', body: { bs } });
      toast('Blur request sent; a moderator will review it.');
      return true;
    } catch (error) {
      toastError(error, BLUR_FIELDS);
      return false;
    }
  }
}

const clamp = v => Math.min(1, Math.max(0, v));
const normalize = (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];

/** Positions a box over an image by normalized [x_min, y_min, x_max, y_max] (CSSOM, not inline markup). */
export function place(element, rect) {
  Object.assign(element.style, {
    left: `${rect[0] * 100}%`, top: `${rect[1] * 100}%`, width: `${(rect[2] - rect[0]) * 100}%`, height: `${(rect[3] - rect[1]) * 100}%`,
  });
  return element;
}

// The blur request's one parameter, the rectangles drawn, in the person's terms.
const BLUR_FIELDS = {
  bs: rest => {
    const most = /at most (\d+)/.exec(rest);
    return most ? `Draw at most ${most[1]} rectangles at a time.` : 'The rectangles drawn were not accepted: draw them again.';
  },
};
