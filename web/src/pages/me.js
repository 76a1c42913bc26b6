// My photos: the signed-in person's sequences and photos, public or of one of their projects, each photo with delete (the
// upload API's DELETE takes the image key of one of the caller's uploads, wherever they were uploaded from) and each
// sequence with "Move to" (PUT /v2/s/{key}/project): into one of their projects (GET /v2/me/projects) or out to public.
import { h, mount, toast, toastError, formatDate, thumbUrl } from '../ui.js';
import { api, fetchBlobUrl } from '../api.js';
import { session } from '../session.js';
import { signIn } from '../auth.js';

const PUBLIC = '';

export class MePage {
  constructor() {
    this.element = h('div', { class: 'page me-page' });
    this.projects = [];
  }

  async show() {
    if (!session.token) {
      mount(this.element, h('h1', {}, 'My photos'), h('p', {}, 'Sign in to see your photos.'),
        h('button', { type: 'button', onclick: () => signIn('/me') }, 'Sign in'));
      return;
    }
    this.grid = h('ul', { class: 'photo-grid', 'aria-label': 'Your photos' });
    this.sequences = h('ul', { class: 'sequence-list', 'aria-label': 'Your sequences' });
    const form = h('form', { class: 'row' });
    form.addEventListener('submit', event => { event.preventDefault(); this.load(this.shown()); });
    mount(this.element, h('h1', {}, 'My photos'),
      h('p', {}, 'Signed in as ', h('a', { href: `/users/${encodeURIComponent(session.user.username ?? '')}`, 'data-link': true }, session.user.username ?? ''), '.'),
      form, h('h2', {}, 'Sequences'), this.sequences, h('h2', {}, 'Photos'), this.grid);
    await this.loadProjects();
    // With the person's projects known, the filter is a choice among them; a session from before the app asked for
    // org:read falls back to typing a project key.
    this.filter = this.projects
      ? h('select', { id: 'me-project' }, this.projectOptions(PUBLIC, 'Public photos'))
      : h('input', { type: 'text', id: 'me-project', placeholder: 'project key (optional)' });
    mount(form, h('label', { for: 'me-project' }, 'Project'), this.filter, h('button', { type: 'submit' }, 'Show'));
    this.load(PUBLIC);
  }

  shown() { return this.filter.value.trim(); }

  async loadProjects() {
    try {
      this.projects = (await api('/v2/me/projects')).projects;
    } catch (error) {
      this.projects = null;
      if (error.code !== 'user_not_authenticated') toastError(error);
    }
  }

  projectOptions(selected, publicLabel) {
    return [h('option', { value: PUBLIC, selected: selected === PUBLIC }, publicLabel),
      ...this.projects.map(p => h('option', { value: p.key, selected: selected === p.key }, `${p.name} (${p.key})`))];
  }

  async load(project) {
    const query = { me: 'true', project, limit: 200 };
    try {
      const [found, seqs] = await Promise.all([api('/v2/search/im', { query }), api('/v2/search/s/ul', { query })]);
      mount(this.sequences, seqs.ss.map(s => this.sequence(s, project)));
      if (!seqs.ss.length) mount(this.sequences, h('li', { class: 'muted' }, 'No sequences yet.'));
      mount(this.grid, found.ims.map(im => this.tile(im, !!project)));
      if (!found.ims.length) mount(this.grid, h('li', { class: 'muted' }, 'No photos yet: contribute some.'));
    } catch (error) {
      mount(this.grid, h('li', { class: 'error' }, error.message));
    }
  }

  sequence(s, project) {
    const item = h('li', { 'data-sequence-key': s.key },
      h('a', { href: `/?pKey=${encodeURIComponent(s.mkey)}`, 'data-link': true }, formatDate(s.captured_at)),
      h('span', { class: 'muted mono' }, ` ${s.key} `));
    if (!this.projects) {
      item.append(h('span', { class: 'muted' }, 'Sign in again to move sequences into projects.'));
      return item;
    }
    if (!this.projects.length && project === PUBLIC) return item; // nowhere to move it
    const id = `move-${s.key}`;
    const target = h('select', { id }, this.projectOptions(project, 'Public'));
    const move = h('button', { type: 'button', class: 'secondary small' }, 'Move');
    move.addEventListener('click', async () => {
      const to = target.value;
      if (to === project) return;
      move.disabled = true;
      try {
        await api(`/v2/s/${encodeURIComponent(s.key)}/project`, { method: 'PUT', body: { project: to || null } });
        const name = to ? this.projects.find(p => p.key === to)?.name ?? to : null;
        toast(name ? `Sequence moved to the project ${name}: only its members see it now.` : 'Sequence made public: everyone sees it now.');
        // It no longer belongs to what is shown: the list and photos are read again from the server.
        await this.load(this.shown());
      } catch (error) {
        toastError(error);
        move.disabled = false;
      }
    });
    item.append(h('span', { class: 'row move-sequence' }, h('label', { for: id }, 'Move to'), target, move));
    return item;
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
          toastError(error);
        }
      } }, 'Delete');
    const item = h('li', {}, h('a', { href: `/?pKey=${encodeURIComponent(im.key)}`, 'data-link': true }, img),
      h('span', { class: 'muted' }, formatDate(im.captured_at)), remove);
    return item;
  }
}
