// The web app's entry: the page router (history API; the server answers every app route with this same document),
// the account area, and sign-in's return.
import './style.css';
import { h, mount, toast } from './ui.js';
import { session } from './session.js';
import { signIn, signOut, completeSignIn } from './auth.js';
import { ExplorePage } from './pages/explore.js';
import { UploadPage } from './pages/upload.js';
import { MePage } from './pages/me.js';
import { UserPage } from './pages/user.js';
import { ModeratePage } from './pages/moderate.js';

// Timing marks (performance.mark, cheap, kept in production): bench/webapp/measure.mjs breaks its figures down by them.
performance.mark('sightline:app-evaluated');
const main = document.getElementById('main');
const pages = {};
const page = (name, Type) => (pages[name] ??= new Type());

const routes = [
  [/^\/$/, params => show('explore', ExplorePage, 'Explore', params)],
  [/^\/photos\/([A-Za-z0-9_-]+)$/, (params, key) => navigate(`/?pKey=${key}`, { replace: true })],
  [/^\/upload$/, params => show('upload', UploadPage, 'Contribute', params)],
  [/^\/me$/, params => show('me', MePage, 'My photos', params)],
  [/^\/moderate$/, params => show('moderate', ModeratePage, 'Moderate', params)],
  [/^\/users\/([^/]+)$/, (params, name) => show('user', UserPage, decodeURIComponent(name), params, decodeURIComponent(name))],
  [/^\/signin\/callback$/, () => finishSignIn()],
];

function route() {
  const params = new URLSearchParams(location.search);
  for (const [pattern, handler] of routes) {
    const match = location.pathname.match(pattern);
    if (match) return handler(params, ...match.slice(1));
  }
  return notFound();
}

function show(name, Type, title, params, ...args) {
  const view = page(name, Type);
  if (main.firstElementChild !== view.element) mount(main, view.element);
  document.title = `${title} · Sightline`;
  document.body.dataset.page = name;
  for (const link of document.querySelectorAll('.mainnav a')) {
    if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  return view.show(params, ...args);
}

function notFound() {
  document.title = 'Not found · Sightline';
  document.body.dataset.page = 'not-found';
  mount(main, h('div', { class: 'page not-found' },
    h('h1', {}, 'Page not found'),
    h('p', {}, 'There is no page at this address.'),
    h('p', {}, h('a', { href: '/', 'data-link': true }, 'Explore the map'))));
}

async function finishSignIn() {
  mount(main, h('div', { class: 'page' }, h('p', { role: 'status' }, 'Signing in…')));
  try {
    navigate(await completeSignIn(), { replace: true });
    toast(`Signed in as ${session.user.username}.`);
  } catch (error) {
    mount(main, h('div', { class: 'page' }, h('h1', {}, 'Sign-in failed'), h('p', { class: 'error' }, error.message ?? String(error)),
      h('p', {}, h('a', { href: '/', 'data-link': true }, 'Back to the map'))));
  }
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  route();
}

function renderAccount() {
  const box = document.getElementById('account');
  document.getElementById('nav-moderate').hidden = !session.has('mapillary:admin');
  if (!session.token) {
    mount(box, h('button', { type: 'button', id: 'sign-in', onclick: () => signIn() }, 'Sign in'));
    return;
  }
  const name = session.user.username ?? 'you';
  mount(box,
    h('a', { href: `/users/${encodeURIComponent(name)}`, 'data-link': true, class: 'who' }, name),
    h('button', { type: 'button', id: 'sign-out', class: 'secondary', onclick: async () => { toast(await signOut() ? 'Signed out.' : 'Signed out here, but the server could not be reached to revoke the token.'); route(); } }, 'Sign out'));
}

document.addEventListener('click', event => {
  const link = event.target.closest('a[data-link]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || link.origin !== location.origin) return;
  event.preventDefault();
  navigate(link.pathname + link.search);
});
window.addEventListener('popstate', route);
// The API menu of the top bar closes as a menu does: on Escape (focus back on it) and on a click elsewhere.
const devlinks = document.getElementById('devlinks');
document.addEventListener('click', event => { if (devlinks?.open && !devlinks.contains(event.target)) devlinks.open = false; });
devlinks?.addEventListener('keydown', event => {
  if (event.key !== 'Escape' || !devlinks.open) return;
  devlinks.open = false;
  devlinks.querySelector('summary').focus();
  event.preventDefault();
});
session.onChange(renderAccount);
renderAccount();
route();
