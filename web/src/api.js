// Calls to Sightline's v2 API with the app's client_id and, when signed in, the person's token.
import { config } from './config.js';
import { session } from './session.js';

/** A failure of the API, with the contract's code and its message (written for people; shown as is). */
export class ApiError extends Error {
  constructor(status, code, message, { plain = false } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.plain = plain; // the app's own words for people, not the API's message
  }
}

export function apiUrl(path, query = {}) {
  const url = new URL(path, location.origin);
  url.searchParams.set('client_id', config.clientId);
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(name, item);
    else url.searchParams.set(name, String(value));
  }
  return url;
}

export function authHeaders() {
  return session.token ? { authorization: `Bearer ${session.token}` } : {};
}

/** The message of a call that never reached the server (stopped, or the network down): not the browser's "Failed to fetch". */
export const UNREACHABLE = 'The server cannot be reached: check your connection, then try again.';

/** fetch, with a failure to reach the server turned into an ApiError people can read (status 0, code "unreachable"). */
export async function reach(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, 'unreachable', UNREACHABLE, { plain: true });
  }
}

/** Whether the server answers at all (after a failure whose cause is unknown, e.g. inside the photo viewer). */
export async function serverAnswers() {
  try {
    await fetch(apiUrl('/v2/status'), { cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}

/** JSON in, JSON out; throws ApiError with the server's code and message. */
export async function api(path, { method = 'GET', query, body, signal } = {}) {
  const headers = authHeaders();
  let payload;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const response = await reach(apiUrl(path, query), { method, headers, body: payload, signal });
  return readJson(response);
}

export async function readJson(response) {
  let json = null;
  try { json = await response.json(); } catch { /* a body that is not JSON */ }
  if (!response.ok) {
    if (response.status === 401 && json?.code === 'user_not_authenticated' && session.token && /revoked|valid/.test(json.message ?? '')) {
      session.set(null); // the token was revoked elsewhere (settings page): sign out here too
      throw new ApiError(401, json.code, 'You were signed out: your sign-in was revoked or has ended. Sign in again, then retry.', { plain: true });
    }
    throw new ApiError(response.status, json?.code ?? 'error', json?.message ?? `The server answered ${response.status}.`);
  }
  return json;
}

/** A file the API serves to signed-in readers only (private thumbnails): fetched with the token, as an object URL. */
export async function fetchBlobUrl(path) {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) throw new ApiError(response.status, 'not_found', 'The file is not available.', { plain: true });
  return URL.createObjectURL(await response.blob());
}
