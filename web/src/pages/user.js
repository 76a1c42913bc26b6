// A person's profile: avatar, statistics, activity histogram and feed.
import { h, mount, formatDate, formatDay } from '../ui.js';
import { api, apiUrl } from '../api.js';

export class UserPage {
  constructor() {
    this.element = h('div', { class: 'page user-page' });
  }

  async show(params, username) {
    mount(this.element, h('p', {}, 'Loading…'));
    try {
      const [profile, feed] = await Promise.all([
        api(`/v2/u/${encodeURIComponent(username)}`),
        api(`/v2/u/${encodeURIComponent(username)}/feed`, { query: { limit: 20 } }),
      ]);
      const max = Math.max(1, ...profile.histogram.map(d => d.count));
      mount(this.element,
        h('div', { class: 'profile-head' },
          h('img', { class: 'avatar', src: apiUrl(`/v2/u/${encodeURIComponent(username)}/profile.png`).href, alt: '', width: 96, height: 96 }),
          h('div', {}, h('h1', {}, profile.user), profile.about ? h('p', {}, profile.about) : null)),
        h('dl', { class: 'stats' },
          h('div', {}, h('dt', {}, 'Photos'), h('dd', {}, profile.images_all.toLocaleString())),
          h('div', {}, h('dt', {}, 'Distance'), h('dd', {}, `${(profile.distance_all / 1000).toFixed(1)} km`)),
          h('div', {}, h('dt', {}, 'Processing'), h('dd', {}, String(profile.images_none_processed)))),
        h('h2', {}, 'Uploads in the past year'),
        h('div', { class: 'histogram', role: 'img', 'aria-label': `${profile.histogram.length} days with uploads` },
          profile.histogram.slice(-60).map(d => {
            const bar = h('span', { class: 'bar', title: `${formatDay(d.day)}: ${d.count}` });
            bar.style.height = `${Math.max(4, (d.count / max) * 100)}%`;
            return bar;
          })),
        h('h2', {}, 'Activity'),
        h('ol', { class: 'feed' }, feed.feed.length ? feed.feed.map(e => h('li', {},
          h('strong', {}, e.main_description || e.action), e.detail_description ? h('p', {}, e.detail_description) : null,
          h('p', { class: 'muted' }, `${e.action} · ${formatDate(e.timestamp)}`))) : h('li', { class: 'muted' }, 'Nothing yet.')));
    } catch (error) {
      mount(this.element, h('h1', {}, 'User not found'), h('p', { class: 'error' }, error.message));
    }
  }
}
