// End-to-end check of Sightline's OAuth 2.0 server with oauth4webapi, a standard client library:
// discovery (RFC 8414), authorization code with PKCE, sign-in and consent driven over HTTP like a
// browser, code exchange, then API calls with the token. Prints one line per step; exits non-zero on
// the first failure. Run by tests/Sightline.Tests/OAuth/StandardClientTests.cs.
import * as oauth from 'oauth4webapi';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required`);
  return value;
};
const server = new URL(env('SIGHTLINE_URL'));
const clientId = env('SIGHTLINE_CLIENT_ID');
const clientSecret = env('SIGHTLINE_CLIENT_SECRET');
const otherClientId = env('SIGHTLINE_OTHER_CLIENT_ID');
const redirectUri = env('SIGHTLINE_REDIRECT_URI');
const username = env('SIGHTLINE_USERNAME');
const password = env('SIGHTLINE_PASSWORD');
const insecure = { [oauth.allowInsecureRequests]: true }; // the test server listens on plain HTTP on loopback

const step = (name, detail = {}) => console.log(JSON.stringify({ step: name, ...detail }));
const check = (condition, message) => { if (!condition) throw new Error(message); };

// A browser's cookie jar, just enough for the session and antiforgery cookies.
const cookies = new Map();
async function browse(url, init = {}) {
  const headers = new Headers(init.headers);
  if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
  const response = await fetch(new URL(url, server), { ...init, headers, redirect: 'manual' });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return response;
}

const decode = (text) => text
  .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
  .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
  .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// Submits the page's first form with its hidden fields (the CSRF token among them) plus `fields`.
async function submit(html, fields) {
  const form = html.match(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/);
  check(form, `no form on the page: ${html.slice(0, 300)}`);
  const body = new URLSearchParams();
  for (const input of form[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    body.set(decode(input[1]), decode(input[2]));
  check(body.has('csrf'), 'the form carries no CSRF token');
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return browse(decode(form[1]), { method: 'POST', body });
}

// 1. Discovery from the RFC 8414 metadata document.
const as = await oauth.processDiscoveryResponse(server, await oauth.discoveryRequest(server, { algorithm: 'oauth2', ...insecure }));
check(as.code_challenge_methods_supported?.includes('S256'), 'metadata does not offer S256');
step('discovery', { issuer: as.issuer, token_endpoint: as.token_endpoint });

// 2. Authorization request with PKCE (S256) and state.
const client = { client_id: clientId };
const codeVerifier = oauth.generateRandomCodeVerifier();
const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);
const state = oauth.generateRandomState();
const authorizationUrl = new URL(as.authorization_endpoint);
for (const [name, value] of Object.entries({
  client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'user:read user:email',
  state, code_challenge: codeChallenge, code_challenge_method: 'S256',
})) authorizationUrl.searchParams.set(name, value);

// 3. The person signs in and allows, as a browser would.
let response = await browse(authorizationUrl);
check(response.status === 302, `/connect without a session answered ${response.status}`);
response = await browse(response.headers.get('location'));
check(response.status === 200, `sign-in page answered ${response.status}`);
response = await submit(await response.text(), { username, password });
check(response.status === 302, `sign-in answered ${response.status}`);
step('signed in');
response = await browse(response.headers.get('location'));
check(response.status === 200, `consent page answered ${response.status}`);
const consent = await response.text();
check(consent.includes('read your email address'), 'the consent page does not describe the scopes');
response = await submit(consent, { decision: 'allow' });
check(response.status === 302, `consent answered ${response.status}`);
const callback = new URL(response.headers.get('location'));
check(callback.href.startsWith(redirectUri), `redirected to ${callback.origin}${callback.pathname}, not the redirect URI`);
step('consented');

// 4. The library validates the callback (state, iss) and exchanges the code with the verifier.
const params = oauth.validateAuthResponse(as, client, callback, state);
const tokenResponse = await oauth.authorizationCodeGrantRequest(
  as, client, oauth.ClientSecretBasic(clientSecret), params, redirectUri, codeVerifier, insecure);
const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse);
check(tokens.token_type === 'bearer', `token_type is ${tokens.token_type}`);
check(tokens.expires_in === undefined, 'tokens must not expire');
step('token', { token_type: tokens.token_type, scope: tokens.scope });

// 5. The token works on the API with its own client_id, and is refused for another application.
const me = await oauth.protectedResourceRequest(
  tokens.access_token, 'GET', new URL(`/v2/me?client_id=${clientId}`, server), undefined, undefined, insecure);
check(me.status === 200, `GET /v2/me answered ${me.status}`);
const profile = await me.json();
check(profile.username === username, `GET /v2/me names ${profile.username}`);
step('api', { status: me.status, username: profile.username });

const other = await fetch(new URL(`/v2/me?client_id=${otherClientId}`, server), { headers: { authorization: `Bearer ${tokens.access_token}` } });
const otherBody = await other.json();
check(other.status === 401 && otherBody.code === 'client_id_differ', `another client_id answered ${other.status} ${otherBody.code}`);
step('other client', { status: other.status, code: otherBody.code });

// 6. A replay of the code is refused by the library's own error handling.
try {
  const replay = await oauth.authorizationCodeGrantRequest(
    as, client, oauth.ClientSecretBasic(clientSecret), params, redirectUri, codeVerifier, insecure);
  await oauth.processAuthorizationCodeResponse(as, client, replay);
  throw new Error('a replayed code was accepted');
} catch (error) {
  check(error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant', `replay failed oddly: ${error}`);
  step('replay refused', { error: error.error });
}
console.log('OAUTH E2E OK');
