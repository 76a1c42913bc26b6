// DOM building without innerHTML: every string becomes a text node or an attribute value, so text from the API
// (comments, usernames, server messages) is always shown exactly as written, never run.

import { plainMessage, technicalDetail } from './errors.js';

/** Creates an element; props: attributes, `class`, `on<event>` listeners, and DOM properties for non-string values. */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (name === 'class') element.className = value;
    else if (typeof value !== 'string' && typeof value !== 'number' && value !== true) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function mount(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A short message for screen readers and eyes, in the page's live region; `title` adds detail on hover. */
export function toast(message, kind = 'info', { title, code } = {}) {
  const box = document.getElementById('toast');
  if (!box) return;
  const item = h('div', { class: `toast ${kind}`, title, 'data-code': code }, message);
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

/** A failure as an error toast in plain words (errors.js), the API's code and message kept in its title. */
export function toastError(error, fields) {
  toast(plainMessage(error, fields), 'error', { title: technicalDetail(error), code: error?.code });
}

export function formatDate(ms) {
  if (!ms && ms !== 0) return '';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDay(ms) {
  return new Date(ms).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export const thumbUrl = (key, size = 320) => `/${encodeURIComponent(key)}/thumb-${size}.jpg`;
