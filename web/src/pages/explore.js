// Explore: the coverage map, place search, filters, and the photo viewer with its details; the address bar keeps a
// permalink (/?lat=..&lon=..&z=..&pKey=..) that reopens the same view.
import { files } from '../config.js';
import { h, mount, toast, toastError } from '../ui.js';
import { api } from '../api.js';
import { session } from '../session.js';
import { initialStyle, addOfflineBasemap } from '../map/basemap.js';
import { addCoverage, markFirstCoverageTile, lineFilter, nearestPhoto, refreshPoints, showCurrent, pointColor, LINE_LAYER, POINT_LAYER } from '../map/coverage.js';
import { coveragePreviewFor } from '../map/coverage-preview.js';
import { loadingSign } from '../map/loading-sign.js';
import { filterDay, previewViewAt, viewOf } from '../map/first-view.js';
import { searchPlaces, parseCoordinates } from '../places.js';
import { PhotoPanel } from './photo-panel.js';
import { ExploreNotes } from './explore-notes.js';

// MapLibre (1.07 MB) is a module of its own, fetched with the page (modulepreload) but evaluated only once the first
// coverage lines are on screen (CoveragePreview, started by the page's first script, first-lines.js: all the view's tiles
// drawn, or those that came within PREVIEW_WAIT_MS, and a frame): evaluating it holds this thread for 0.3-1 s, which
// would hold the preview's drawing and frame as long.
const PREVIEW_WAIT_MS = 400;
const PANE_WAIT_MS = 300;
const NEAREST_MAX_METRES = 5000; // the server's largest search radius
let maplibre;
function loadMapLibre() {
  maplibre ??= import('maplibre-gl').then(module => {
    module.setWorkerUrl(files.worker);
    // MapLibre's worker boots (compiles its 0.5 MB module) while this thread sets up WebGL, rather than after the map
    // is constructed: the first tile is asked for by that worker.
    module.prewarm();
    performance.mark('sightline:maplibre-evaluated');
    return module;
  });
  return maplibre;
}

export class ExplorePage {
  constructor() {
    this.filters = { user: '', from: null, to: null, project: '', color: 'angle' };
    this.photoKey = null;
    this.element = h('div', { class: 'explore' });
    this.notes = new ExploreNotes();
    this.mapElement = h('div', { class: 'map', id: 'map', role: 'region', 'aria-label': 'Map of photo coverage' });
    this.panel = new PhotoPanel({
      onImage: image => this.photoShown(image),
      onBearing: bearing => this.bearing(bearing),
      onClose: () => this.closePhoto(),
    });
    // Shown while the map has the keyboard's focus: what Enter opens, and where the map's centre is.
    this.keyHint = h('div', { class: 'map-keys', hidden: true },
      h('span', { class: 'map-crosshair' }),
      h('p', { class: 'map-key-hint', id: 'map-key-hint' }, 'Enter opens the photo nearest the centre (+). Arrow keys move the map, + and − zoom.'));
    this.element.append(h('section', { class: 'map-pane' }, this.mapElement, this.keyHint, this.tools()), this.panel.element);
    this.ready = false;
    document.addEventListener('keydown', event => this.escape(event));
  }

  /** Escape closes what is open on this page, innermost first: the place list, the filters, then the photo. */
  escape(event) {
    if (event.key !== 'Escape' || event.defaultPrevented || document.body.dataset.page !== 'explore' || event.target.closest?.('dialog')) return;
    const results = this.element.querySelector('#place-results');
    const filters = this.element.querySelector('#filters');
    const toggle = this.element.querySelector('.filter-toggle');
    if (results && !results.hidden) {
      results.hidden = true;
      this.element.querySelector('#place-search')?.setAttribute('aria-expanded', 'false');
    } else if (filters && !filters.hidden) {
      filters.hidden = true;
      toggle?.setAttribute('aria-expanded', 'false');
      toggle?.focus();
    } else if (this.photoKey) {
      this.closePhoto();
      this.mapElement.querySelector('canvas')?.focus();
    } else return;
    event.preventDefault();
  }

  /** Called each time the route shows this page. */
  show(params) {
    this.restoreFilters(params);
    if (!this.mapCreated) this.mapCreated = this.createMap(params);
    else {
      this.mapCreated.then(() => {
        if (params.has('lat') && params.has('lon')) this.map.jumpTo(viewOf(params));
        requestAnimationFrame(() => this.map.resize());
      });
    }
    const key = params.get('pKey');
    if (key && key !== this.photoKey) this.openPhoto(key, { fly: !params.has('lat') });
    if (!key && this.photoKey) this.closePhoto();
  }

  async createMap(params) {
    const view = viewOf(params);
    // The view is known from the address (a permalink's, else the default view over the world, where a first visit
    // starts before it moves to the newest photos): its lines go on screen from the tiles before MapLibre is even
    // evaluated, from the preview the page's first script started.
    // The filters are the address's (restoreFilters), or those set before: the preview and the map's first lines have them.
    const preview = previewViewAt(location) ? coveragePreviewFor(this.mapElement, { ...view, filters: this.filters }) : null;
    if (preview) await preview.shown(PREVIEW_WAIT_MS);
    const { Map: MapLibre, NavigationControl, AttributionControl } = await loadMapLibre();
    performance.mark('sightline:map-construct');
    const map = new MapLibre({
      container: this.mapElement,
      style: initialStyle(this.filters),
      center: [view.center[0], view.center[1]],
      zoom: view.zoom,
      attributionControl: false,
      maxPitch: 0,
      dragRotate: false,
      // Keeps the canvas readable for the end-to-end tests' pixel checks and for screenshots.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    performance.mark('sightline:map-constructed');
    markFirstCoverageTile(map);
    preview?.handOver(map);
    // Without a preview (a photo's address) the map's own loading sign, gone once it has loaded its view: in the map's
    // pane, the part of the map on screen (the map keeps its full width until the photo is shown, cut off by its pane).
    const sign = preview ? null : loadingSign(this.mapElement.parentElement);
    if (sign) map.once('idle', () => sign.remove());
    this.map = map;
    window.sightlineMap = map; // for the end-to-end tests and the bench: the map's state, read only
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new AttributionControl({ compact: true }), 'bottom-left');
    map.on('load', async () => {
      performance.mark('sightline:style-loaded');
      addCoverage(map);
      this.applyFilters();
      this.ready = true;
      refreshPoints(map, this.filters);
      // The offline basemap (land and borders) waits until the coverage is drawn: decoding it and cutting it into tiles
      // takes the page's and MapLibre's worker's time, which the first coverage tiles need more.
      // Then, once the page is idle, the photo viewer's code, so that a click on the map finds it loaded, and a first
      // query of the lines in view: MapLibre decodes a tile's features on this thread for the first query that meets it
      // (and compiles that code on first use), which would otherwise fall on the first hover or click (0.1-0.5 s in the
      // bench).
      map.once('idle', () => addOfflineBasemap(map, LINE_LAYER)
        .catch(error => console.warn('basemap', error))
        .finally(() => whenIdle(async () => {
          if (map.getLayer(LINE_LAYER)) map.queryRenderedFeatures({ layers: [LINE_LAYER] });
          performance.mark('sightline:lines-queried');
          this.notes.watchProcessing();
          await this.panel.prewarm();
        })));
    });
    if (!params.has('lat') && !params.get('pKey')) this.startWhereThePhotosAre();
    map.on('moveend', () => {
      this.writePermalink();
      refreshPoints(map, this.filters);
    });
    for (const layer of [LINE_LAYER, POINT_LAYER]) {
      map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
    }
    // A pointer over a line fetches the preview of the photo it would open, so a click finds it loaded.
    map.on('mousemove', LINE_LAYER, event => {
      const key = event.features?.[0] && nearestPhoto(event.features[0], event.lngLat);
      if (key) this.panel.preview.prefetch(key);
    });
    map.on('click', event => this.clicked(event));
    this.openByKeyboard(map);
  }

  /**
   * A keyboard cannot point at a line: Enter on the focused map opens the photo nearest its centre, as the map's name
   * says, and a hint with a crosshair at the centre while it has the keyboard's focus (a click focuses it too: no hint).
   */
  openByKeyboard(map) {
    const canvas = map.getCanvas();
    canvas.setAttribute('aria-label', 'Map of photo coverage: arrow keys move it, plus and minus zoom, Enter opens the photo nearest its centre');
    canvas.setAttribute('aria-describedby', 'map-key-hint');
    canvas.addEventListener('focus', () => { this.keyHint.hidden = !canvas.matches(':focus-visible'); });
    canvas.addEventListener('blur', () => { this.keyHint.hidden = true; });
    canvas.addEventListener('keydown', event => {
      if (event.key !== 'Enter' || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      this.openNearestPhoto();
    });
  }

  /** Opens the photo nearest the map's centre that the filters leave, within the view (up to the search's 5 km). */
  async openNearestPhoto() {
    const centre = this.map.getCenter().wrap();
    const reach = Math.min(NEAREST_MAX_METRES, Math.ceil(centre.distanceTo(this.map.getBounds().getNorthEast())));
    const f = this.filters;
    try {
      const found = await api('/v2/search/im/close', {
        query: { lat: centre.lat, lon: centre.lng, distance: reach, limit: 1, user: f.user, start_time: f.from, end_time: f.to, project: f.project },
      });
      const key = found.ims[0]?.key;
      if (key) this.openPhoto(key, { push: true });
      else toast('No photo near the centre of the map: move it over a line (arrow keys) or zoom out (−), then press Enter.');
    } catch (error) {
      toastError(error);
    }
  }

  // A first visit starts over the newest sequence rather than over the whole world.
  async startWhereThePhotosAre() {
    try {
      const found = await api('/v2/search/s', { query: { limit: 1 } });
      const b = found.ss[0]?.boundary;
      if (b) this.map.fitBounds([[b.min_lon, b.min_lat], [b.max_lon, b.max_lat]], { padding: 80, maxZoom: 15, duration: 0 });
    } catch (error) {
      console.warn('no starting place', error);
    }
  }

  /** A click on a point opens it; on a line, the photo of that sequence nearest the click (from the tile, else the server's search). */
  async clicked(event) {
    performance.mark('sightline:click');
    const box = [[event.point.x - 6, event.point.y - 6], [event.point.x + 6, event.point.y + 6]];
    const layers = [POINT_LAYER, LINE_LAYER].filter(id => this.map.getLayer(id));
    const [feature] = this.map.queryRenderedFeatures(box, { layers });
    if (!feature) return;
    if (feature.layer.id === POINT_LAYER) {
      this.openPhoto(feature.properties.key, { push: true });
      return;
    }
    const key = nearestPhoto(feature, event.lngLat);
    if (key) {
      this.openPhoto(key, { push: true });
      return;
    }
    // The photo's pane opens once its key is known: until then a slow search shows a sign of its own.
    const sign = loadingSign(this.mapElement.parentElement, 'Loading photo…');
    try {
      const image = await api(`/v2/search/im/s/${encodeURIComponent(feature.properties.key)}`,
        { query: { lat: event.lngLat.lat, lon: event.lngLat.lng } });
      this.openPhoto(image.key, { push: true });
    } catch (error) {
      toastError(error);
    } finally {
      sign.remove();
    }
  }

  /** Opens a photo; <c>push</c> (a person's click on the map) gives it a history entry, so Back closes it again. */
  async openPhoto(key, { fly = false, push = false } = {}) {
    performance.mark('sightline:photo-key');
    this.photoKey = key;
    this.fly = fly;
    if (push) this.writePermalink({ push: true });
    // The map shrinks to make room for the photo, but only once the photo is on screen: MapLibre resizes its canvas
    // and redraws the whole map at once when its container changes size, which in a software renderer delays the
    // photo's frame by as much. Until then the map keeps its size, cut off by the photo's pane.
    // The photo's pane itself opens with the photo in it (or after PANE_WAIT_MS without): opened in the click's own task,
    // its layout and paint joined the map's next frame, and the photo waited for one more frame.
    const reveal = () => {
      clearTimeout(timer);
      if (this.photoKey !== key || this.element.classList.contains('has-photo')) return;
      if (this.mapElement.clientWidth > 0) {
        this.mapElement.style.width = `${this.mapElement.clientWidth}px`;
        this.mapElement.style.height = `${this.mapElement.clientHeight}px`;
      }
      this.element.classList.add('has-photo');
    };
    const timer = setTimeout(reveal, PANE_WAIT_MS);
    await this.panel.open(key, reveal, () => {
      this.mapElement.style.width = '';
      this.mapElement.style.height = '';
      requestAnimationFrame(() => this.map?.resize());
    });
  }

  closePhoto() {
    this.photoKey = null;
    this.element.classList.remove('has-photo');
    this.panel.close();
    this.map?.getSource('current')?.setData({ type: 'FeatureCollection', features: [] });
    requestAnimationFrame(() => this.map?.resize());
    this.writePermalink();
  }

  photoShown(image) {
    this.photoKey = image.key;
    this.notes.hintSeen();
    this.position = { lng: image.lon, lat: image.lat };
    this.lastBearing = image.ca;
    // The map may still be on its way (MapLibre is loaded after the page): it follows the photo once it is there.
    this.mapCreated?.then(() => {
      if (this.photoKey !== image.key) return;
      showCurrent(this.map, this.position, image.ca);
      if (this.fly || this.map.getZoom() < 12 || !this.map.getBounds().contains([image.lon, image.lat])) this.map.easeTo({ center: [image.lon, image.lat], zoom: Math.max(this.map.getZoom(), 17) });
      this.fly = false;
      this.writePermalink();
    });
    this.writePermalink();
  }

  bearing(bearing) {
    if (this.map && this.position) showCurrent(this.map, this.position, bearing);
  }

  writePermalink({ push = false } = {}) {
    if (!this.map || location.pathname !== '/') return;
    const c = this.map.getCenter();
    const query = new URLSearchParams({ lat: c.lat.toFixed(6), lon: c.lng.toFixed(6), z: this.map.getZoom().toFixed(2) });
    if (this.photoKey) query.set('pKey', this.photoKey);
    for (const [name, value] of Object.entries(this.filterQuery())) query.set(name, value);
    if (push) history.pushState(null, '', `/?${query}`);
    else history.replaceState(history.state, '', `/?${query}`);
  }

  applyFilters() {
    if (!this.map?.getLayer(LINE_LAYER)) return;
    // Only what changed: MapLibre reloads a layer's tiles (its worker parses them again) on any setFilter, even to the
    // same filter (none against the style's absent one, as at load).
    const filter = lineFilter(this.filters), color = pointColor(this.filters.color);
    if (JSON.stringify(this.map.getFilter(LINE_LAYER) ?? null) !== JSON.stringify(filter)) this.map.setFilter(LINE_LAYER, filter);
    if (JSON.stringify(this.map.getPaintProperty(POINT_LAYER, 'circle-color')) !== JSON.stringify(color))
      this.map.setPaintProperty(POINT_LAYER, 'circle-color', color);
    refreshPoints(this.map, this.filters);
  }

  tools() {
    const results = h('ul', { class: 'search-results', role: 'listbox', id: 'place-results', hidden: true });
    const input = h('input', {
      type: 'search', id: 'place-search', placeholder: 'Search a place or lat, lon', autocomplete: 'off',
      role: 'combobox', 'aria-expanded': 'false', 'aria-controls': 'place-results', 'aria-autocomplete': 'list',
    });
    const go = place => {
      results.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      this.map?.flyTo({ center: [place.lon, place.lat], zoom: place.zoom ?? 11 });
    };
    input.addEventListener('input', async () => {
      const text = input.value;
      const coordinates = parseCoordinates(text);
      const found = coordinates ? [{ name: `${coordinates.lat}, ${coordinates.lon}`, country: '', ...coordinates, zoom: 17 }] : await searchPlaces(text);
      if (text !== input.value) return; // typed on meanwhile
      mount(results, found.map((place, i) => h('li', { role: 'option', id: `place-${i}` },
        h('button', { type: 'button', onclick: () => go(place) }, place.name,
          place.alias ? ` (${place.alias})` : null, place.country ? h('span', { class: 'muted' }, ` ${place.country}`) : null))));
      // Two letters or more that match nothing are said to, rather than leave the list closed in silence.
      const none = found.length === 0 && text.trim().length >= 2;
      if (none) mount(results, h('li', { class: 'no-result muted', role: 'option', 'aria-disabled': 'true' }, 'No place found'));
      results.hidden = found.length === 0 && !none;
      input.setAttribute('aria-expanded', String(!results.hidden));
    });
    input.addEventListener('keydown', event => {
      if (event.key === 'Enter') results.querySelector('button')?.click();
      if (event.key === 'Escape' && !results.hidden) { results.hidden = true; input.setAttribute('aria-expanded', 'false'); event.preventDefault(); }
      if (event.key === 'ArrowDown') { event.preventDefault(); results.querySelector('button')?.focus(); }
    });

    const filters = this.filterForm();
    const toggle = h('button', { type: 'button', class: 'filter-toggle', 'aria-expanded': 'false', 'aria-controls': 'filters' }, 'Filters');
    toggle.addEventListener('click', () => {
      filters.hidden = !filters.hidden;
      toggle.setAttribute('aria-expanded', String(!filters.hidden));
    });
    return h('div', { class: 'map-tools' },
      h('div', { class: 'search' }, h('label', { for: 'place-search', class: 'visually-hidden' }, 'Search a place'), input, results),
      toggle, filters, this.notes.element);
  }

  filterForm() {
    const field = (label, input) => h('label', {}, h('span', {}, label), input);
    const user = h('input', { type: 'text', name: 'user', autocomplete: 'off', placeholder: 'any' });
    const from = h('input', { type: 'date', name: 'from' });
    const to = h('input', { type: 'date', name: 'to' });
    const project = h('input', { type: 'text', name: 'project', placeholder: 'key (signed in)', autocomplete: 'off' });
    const color = h('select', { name: 'color' }, h('option', { value: 'angle' }, 'compass angle'), h('option', { value: 'age' }, 'age'));
    const userMessage = h('p', { class: 'filter-message', id: 'filter-user-message', role: 'status', hidden: true });
    const form = h('form', { class: 'filters', id: 'filters', hidden: true, 'aria-label': 'Filters' },
      field('User', user), userMessage, field('From', from), field('To', to), field('Project', project), field('Colour points by', color),
      h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Apply'), h('button', { type: 'reset', class: 'secondary' }, 'Clear')));
    this.filterFields = { user, from, to, project, color, userMessage };
    form.addEventListener('submit', event => {
      event.preventDefault();
      this.checkUser(user.value.trim(), userMessage);
      this.filters = filtersOf(this.filterFields);
      if (this.filters.project && !session.token) toast('Sign in to see a project’s photos.', 'error');
      this.applyFilters();
      this.writePermalink();
    });
    form.addEventListener('reset', () => setTimeout(() => form.requestSubmit(), 0));
    return form;
  }

  /** The filters in the address's terms (only those set): user, from and to (days, as the date fields give them), project, color. */
  filterQuery() {
    const f = this.filterFields, query = {};
    if (!f) return query;
    if (this.filters.user) query.user = this.filters.user;
    if (this.filters.from !== null && f.from.value) query.from = f.from.value;
    if (this.filters.to !== null && f.to.value) query.to = f.to.value;
    if (this.filters.project) query.project = this.filters.project;
    if (this.filters.color !== 'angle') query.color = this.filters.color;
    return query;
  }

  /** Takes the filters from an address (a shared link), into the form's fields and onto the map. */
  restoreFilters(params) {
    const f = this.filterFields;
    const wanted = {
      user: (params.get('user') ?? '').trim(), from: filterDay(params.get('from')), to: filterDay(params.get('to')),
      project: (params.get('project') ?? '').trim(), color: params.get('color') === 'age' ? 'age' : 'angle',
    };
    // A link without filters keeps the ones set here (the map's own links, e.g. from a profile, carry none).
    if (!wanted.user && !wanted.from && !wanted.to && !wanted.project && wanted.color === 'angle') return;
    for (const name of ['user', 'from', 'to', 'project', 'color']) f[name].value = wanted[name];
    const filters = filtersOf(f);
    if (JSON.stringify(filters) === JSON.stringify(this.filters)) return;
    this.filters = filters;
    this.checkUser(filters.user, f.userMessage);
    if (this.ready) this.applyFilters();
  }

  /** Says so when the user filter names nobody (an empty map otherwise looks like a user without photos). */
  async checkUser(name, message) {
    message.hidden = true;
    if (!name) return;
    try {
      await api(`/v2/u/${encodeURIComponent(name)}`);
    } catch (error) {
      if (error.status !== 404 && error.status !== 400) return; // unreachable: said elsewhere
      if (this.filters.user !== name) return; // changed meanwhile
      message.textContent = `No user named “${name}”.`;
      message.hidden = false;
    }
  }
}

/** The filters the form's fields say: the user and project as typed (trimmed), the days as times (from midnight to the end of the day). */
function filtersOf({ user, from, to, project, color }) {
  return {
    user: user.value.trim(), project: project.value.trim(), color: color.value,
    from: from.value ? Date.parse(from.value) : null, to: to.value ? Date.parse(to.value) + 864e5 - 1 : null,
  };
}

// Safari has no requestIdleCallback: a short timeout stands in for it there.
function whenIdle(callback) {
  if (window.requestIdleCallback) requestIdleCallback(callback, { timeout: 2000 });
  else setTimeout(callback, 200);
}
