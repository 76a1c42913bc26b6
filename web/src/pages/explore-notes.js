// Explore's two small notes beneath the search box: a newcomer's hint (until dismissed or a photo was opened, remembered
// in localStorage) and, while the server is still processing uploaded photos, how many (GET /v2/status). They sit in
// the tools' column, so they never cover the map's controls, and neither is on the first lines' path: the hint is a
// few DOM nodes, and the status is asked only once the map is idle (see ExplorePage).
import { h } from '../ui.js';
import { api } from '../api.js';

const HINT_SEEN = 'sightline.hint-seen';
const PROCESSING_POLL_MS = 10_000;

export class ExploreNotes {
  constructor() {
    this.hint = h('p', { class: 'map-note hint', id: 'explore-hint', hidden: true },
      h('span', {}, 'Click a line to see its photos.'),
      h('button', { type: 'button', class: 'note-close', 'aria-label': 'Dismiss the hint', onclick: () => this.hintSeen() }, '×'));
    this.processing = h('p', { class: 'map-note processing', id: 'processing-notice', role: 'status', hidden: true });
    this.element = h('div', { class: 'map-notes' }, this.hint, this.processing);
    if (!stored(HINT_SEEN)) this.hint.hidden = false;
  }

  /** The hint is done with: dismissed, or a photo was opened. */
  hintSeen() {
    this.hint.hidden = true;
    try { localStorage.setItem(HINT_SEEN, '1'); } catch { /* storage off: the hint comes back next time */ }
  }

  /** Asks the server how many photos are still being processed, and again every 10 s while there are some. */
  async watchProcessing() {
    clearTimeout(this.timer);
    let count = 0;
    try {
      count = (await api('/v2/status')).images_processing ?? 0;
    } catch {
      count = 0; // says nothing rather than something wrong; the map says the server is unreachable elsewhere
    }
    this.processing.hidden = count === 0;
    this.processing.textContent = count === 1 ? '1 photo is still being processed' : `${count.toLocaleString()} photos are still being processed`;
    if (count > 0) this.timer = setTimeout(() => this.watchProcessing(), PROCESSING_POLL_MS);
  }
}

function stored(key) {
  try { return localStorage.getItem(key) !== null; } catch { return false; }
}
