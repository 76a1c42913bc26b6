// Moderation (administrators): pending blur requests with the requested rectangles drawn over the photo, approve or
// reject; complaints, uphold (hides the photo) or dismiss. Each decision shows at once.
import { h, mount, toast, toastError, formatDate, thumbUrl } from '../ui.js';
import { api, fetchBlobUrl } from '../api.js';
import { session } from '../session.js';
import { signIn } from '../auth.js';
import { place } from './blur-editor.js';

export class ModeratePage {
  constructor() {
    this.element = h('div', { class: 'page moderate-page' });
  }

  async show() {
    if (!session.token) {
      mount(this.element, h('h1', {}, 'Moderate'), h('button', { type: 'button', onclick: () => signIn('/moderate') }, 'Sign in'));
      return;
    }
    if (!session.has('mapillary:admin')) {
      mount(this.element, h('h1', {}, 'Moderate'), h('p', {}, 'Only administrators moderate.'));
      return;
    }
    this.blurs = h('ul', { class: 'queue', id: 'blur-queue' });
    this.complaints = h('ul', { class: 'queue', id: 'complaint-queue' });
    mount(this.element, h('h1', {}, 'Moderate'), h('h2', {}, 'Blur requests'), this.blurs, h('h2', {}, 'Complaints'), this.complaints);
    this.loadBlurs();
    this.loadComplaints();
  }

  async loadBlurs() {
    try {
      const found = await api('/v2/search/b', { query: { limit: 50 } });
      mount(this.blurs, await Promise.all(found.ims.map(im => this.blurItem(im))));
      if (!found.ims.length) mount(this.blurs, h('li', { class: 'muted' }, 'No pending blur requests.'));
    } catch (error) {
      mount(this.blurs, h('li', { class: 'error' }, error.message));
    }
  }

  async blurItem(im) {
    const blurs = await api(`/v2/im/${encodeURIComponent(im.key)}/b`);
    const img = h('img', { alt: `Photo by ${im.user}`, width: 320 });
    fetchBlobUrl(thumbUrl(im.key, 640)).then(url => { img.src = url; }).catch(() => {});
    const frame = h('div', { class: 'blur-surface small' }, img,
      blurs.pbs.map(b => place(h('div', { class: 'blur-rect pending', title: 'requested' }), b.rect)));
    const item = h('li', { class: 'queue-item', 'data-key': im.key });
    const decide = async (method, label) => {
      try {
        await api(`/v2/b/${encodeURIComponent(im.key)}`, { method });
        mount(item, h('p', {}, `${label}: photo ${im.key}.`));
        toast(`Blur request ${label.toLowerCase()}.`);
      } catch (error) {
        toastError(error);
      }
    };
    return mount(item, frame, h('div', {},
      h('p', {}, `Requested by ${blurs.requesting_user ?? 'someone'} on a photo by ${im.user}`),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'approve', onclick: () => decide('POST', 'Approved') }, 'Approve'),
        h('button', { type: 'button', class: 'secondary reject', onclick: () => decide('DELETE', 'Rejected') }, 'Reject'))));
  }

  async loadComplaints() {
    try {
      const found = await api('/v2/complaints', { query: { state: 'open', limit: 50 } });
      mount(this.complaints, found.complaints.map(c => {
        const item = h('li', { class: 'queue-item' });
        const decide = async decision => {
          try {
            await api(`/v2/complaints/${encodeURIComponent(c.key)}`, { method: 'POST', query: { decision } });
            mount(item, h('p', {}, `Complaint ${decision === 'uphold' ? 'upheld: the photo is hidden' : 'dismissed'}.`));
          } catch (error) {
            toastError(error);
          }
        };
        const img = h('img', { alt: '', width: 160 });
        fetchBlobUrl(thumbUrl(c.mkey)).then(url => { img.src = url; }).catch(() => {});
        return mount(item, img, h('div', {},
          h('p', { class: 'comment-text' }, c.cm),
          h('p', { class: 'muted' }, `${c.user ?? 'anonymous'} · ${formatDate(c.created_at)} · `, h('a', { href: `/?pKey=${encodeURIComponent(c.mkey)}`, 'data-link': true }, 'open photo')),
          h('div', { class: 'row' },
            h('button', { type: 'button', onclick: () => decide('uphold') }, 'Uphold (hide photo)'),
            h('button', { type: 'button', class: 'secondary', onclick: () => decide('dismiss') }, 'Dismiss'))));
      }));
      if (!found.complaints.length) mount(this.complaints, h('li', { class: 'muted' }, 'No open complaints.'));
    } catch (error) {
      mount(this.complaints, h('li', { class: 'error' }, error.message));
    }
  }
}
