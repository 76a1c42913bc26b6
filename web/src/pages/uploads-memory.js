// Which upload key each of this browser's uploads has: the upload API deletes by upload key, the search shows image keys.
const KEY = 'sightline.uploads';

function read() {
  try { return JSON.parse(localStorage.getItem(KEY) ?? '{}'); } catch { return {}; }
}

export function rememberUpload(imageKey, uploadKey) {
  const all = read();
  all[imageKey] = uploadKey;
  localStorage.setItem(KEY, JSON.stringify(all));
}

export function uploadKeyOf(imageKey) {
  return read()[imageKey] ?? null;
}

export function forgetUpload(imageKey) {
  const all = read();
  delete all[imageKey];
  localStorage.setItem(KEY, JSON.stringify(all));
}
