// The API's failures in plain words. The contract's catalogue code says what kind of failure it was; the API's message
// is written for developers ("cm must be 1 to 2000 characters long.") and names the wire parameter, so a form says in
// its own words which of its fields a parameter is. The code and the API's message stay on the toast (its title).

const BY_CODE = {
  not_found: 'It is not there any more, or you may not see it.',
  user_not_authenticated: 'Sign in to do this, then try again.',
  too_many_requests: 'Too many requests from here for now: wait a minute, then try again.',
  client_id_invalid: 'The server does not recognise this app. Reload the page; if it goes on, tell the server’s administrator.',
  client_id_missing: 'The server does not recognise this app. Reload the page; if it goes on, tell the server’s administrator.',
  client_id_differ: 'Your sign-in belongs to another app. Sign out, sign in again, then retry.',
  mapillary_internal_server_error: 'The server ran into a problem. Try again in a moment.',
};
const REFUSED = 'The server did not accept this. Check what you entered, then try again.';

/**
 * A sentence for the person. `fields` names the form's parameters: a label ("Your comment") that takes the place of the
 * wire name in the API's message, or a function of the rest of that message that returns the whole sentence.
 */
export function plainMessage(error, fields = {}) {
  if (error?.plain || error?.code === 'unreachable') return error.message; // the app's own words (unreachable, signed out)
  const code = error?.code;
  if (code === 'parameter_invalid' || code === 'parameter_missing') {
    const [, parameter, rest] = /^(\w+) (.*)$/s.exec(error.message ?? '') ?? [];
    const field = parameter && fields[parameter];
    if (typeof field === 'function') return field(rest);
    if (field) return `${field} ${rest}`;
    return REFUSED;
  }
  if (BY_CODE[code]) return BY_CODE[code];
  if (error?.status >= 500) return BY_CODE.mapillary_internal_server_error;
  return 'Something went wrong. Try again in a moment.';
}

/** What a developer (or a bug report) needs: the catalogue code and the API's own message. */
export function technicalDetail(error) {
  return error?.code ? `${error.code}: ${error.message}` : String(error?.message ?? error);
}
