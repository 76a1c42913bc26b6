// The signed-in person's token, kept in sessionStorage (this tab only, gone when it closes), never in a cookie.
const KEY = 'sightline.session';
const listeners = new Set();

function read() {
  try { return JSON.parse(sessionStorage.getItem(KEY) ?? 'null'); } catch { return null; }
}

/** @type {{token: string, scope: string, username?: string, admin?: boolean} | null} */
let current = read();

export const session = {
  get token() { return current?.token ?? null; },
  get user() { return current; },
  has(scope) { return !!current && current.scope.split(' ').includes(scope); },
  set(value) {
    current = value;
    if (value) sessionStorage.setItem(KEY, JSON.stringify(value)); else sessionStorage.removeItem(KEY);
    for (const listener of listeners) listener(current);
  },
  onChange(listener) { listeners.add(listener); return () => listeners.delete(listener); },
};
