// My photos: the signed-in person's sequences and photos (public and, with a project, private), each with delete (the
// upload API's DELETE takes the image key of one of the caller's uploads, wherever they were uploaded from).
import { h, mount, toast, formatDate, thumbUrl } from '../ui.js';
import { api, fetchBlobUrl } from '../api.js';
import { session } from '../session.js';
import { signIn } from '../auth.js';

export class MePage {
  constructor() {
    this.element = h('div', { class: 'page me-page' });
  }

  async show() {
    if (!session.token) {
      mount(this.element, h('h1', {}, 'My photos'), h('p', {}, 'Sign in to see your photos.'),
        h('button', { type: 'button', onclick: () => signIn('/me') }, 'Sign in'));
      return;
    }
    const project = h('input', { type: 'text', id: 'me-project', placeholder: 'project key (optional)' });
    const grid = h('ul', { class: 'photo-grid', 'aria-label': 'Your photos' });
    const sequences = h('ul', { class: 'sequence-list' });
    const form = h('form', { class: 'row' }, h('label', { for: 'me-project' }, 'Project'), project, h('button', { type: 'submit' }, 'Show'));
    form.addEventListener('submit', event => { event.preventDefault(); this.load(project.value.trim(), grid, sequences); });
    mount(this.element, h('h1', {}, 'My photos'),
      h('p', {}, 'Signed in as ', h('a', { href: `/users/${encodeURIComponent(session.user.username ?? '')}`, 'data-link': true }, session.user.username ?? ''), '.'),
      form, h('h2', {}, 'Sequences'), sequences, h('h2', {}, 'Photos'), grid);
    this.load('', grid, sequences);
  }

  async load(project, grid, sequences) {
    const query = { me: 'true', project, limit: 200 };
    try {
      const [found, seqs] = await Promise.all([api('/v2/search/im', { query }), api('/v2/search/s/ul', { query })]);
      mount(sequences, seqs.ss.map(s => h('li', {},
        h('a', { href: `/?pKey=${encodeURIComponent(s.mkey)}`, 'data-link': true }, formatDate(s.captured_at)),
        h('span', { class: 'muted mono' }, ` ${s.key}`))));
      if (!seqs.ss.length) mount(sequences, h('li', { class: 'muted' }, 'No sequences yet.'));
      mount(grid, found.ims.map(im => this.tile(im, !!project)));
      if (!found.ims.length) mount(grid, h('li', { class: 'muted' }, 'No photos yet: contribute some.'));
    } catch (error) {
      mount(grid, h('li', { class: 'error' }, error.message));
    }
  }

  tile(im, isPrivate) {
    const img = h('img', { alt: `Photo taken ${formatDate(im.captured_at)}`, width: 160, height: 120, loading: 'lazy' });
    if (isPrivate) fetchBlobUrl(thumbUrl(im.key)).then(url => { img.src = url; }).catch(() => {});
    else img.src = thumbUrl(im.key);
    const remove = h('button', { type: 'button', class: 'secondary small', 'aria-label': `Delete the photo taken ${formatDate(im.captured_at)}`,
      onclick: async () => {
        if (!confirm('Delete this photo for good?')) return;
        try {
          await api(`/v2/me/uploads/images/${encodeURIComponent(im.key)}`, { method: 'DELETE' });
          item.remove();
          toast('Photo deleted.');
        } catch (error) {
          toast(error.message, 'error');
        }
      } }, 'Delete');
    const item = h('li', {}, h('a', { href: `/?pKey=${encodeURIComponent(im.key)}`, 'data-link': true }, img),
      h('span', { class: 'muted' }, formatDate(im.captured_at)), remove);
    return item;
  }
}
