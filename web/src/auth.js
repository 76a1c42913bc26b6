// Sign-in: the app is a public OAuth client of its own server (authorization code + PKCE S256, through oauth4webapi).
// The token stays in this tab's sessionStorage; signing out revokes it at the server (RFC 7009).
import * as oauth from 'oauth4webapi';
import { config } from './config.js';
import { session } from './session.js';
import { api, ApiError, UNREACHABLE } from './api.js';
import { toastError } from './ui.js';

// org:read and org:write: listing the person's projects and moving their sequences into and out of them (My photos).
const SCOPES = 'user:read public:write public:upload private:read private:write private:upload org:read org:write';
const PENDING = 'sightline.signin';
const issuer = new URL(location.origin);
const client = () => ({ client_id: config.clientId });
const redirectUri = () => new URL('/signin/callback', location.origin).href;
// The server may listen on plain HTTP on a trusted network or loopback; the library refuses that unless told.
const transport = { [oauth.allowInsecureRequests]: location.protocol === 'http:' };

let metadata;
async function authorizationServer() {
  let response;
  try {
    response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...transport });
  } catch {
    throw new ApiError(0, 'unreachable', UNREACHABLE, { plain: true }); // the server is down or the network is: say so, not "Failed to fetch"
  }
  metadata ??= await oauth.processDiscoveryResponse(issuer, response);
  return metadata;
}

/** Sends the browser to the server's sign-in and consent pages; comes back to /signin/callback. */
export async function signIn(returnTo = location.pathname + location.search) {
  let as;
  try {
    as = await authorizationServer();
  } catch (error) {
    toastError(error); // every Sign in button calls this: none may fail in silence
    return;
  }
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: config.clientId, redirect_uri: redirectUri(), response_type: 'code', scope: SCOPES, state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

/** Finishes the flow on /signin/callback: checks state, exchanges the code with the verifier; returns where to go. */
export async function completeSignIn() {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null');
  sessionStorage.removeItem(PENDING);
  if (!pending) throw new Error('This sign-in was not started from this tab; start again.');
  const as = await authorizationServer();
  const params = oauth.validateAuthResponse(as, client(), new URL(location.href), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client(), oauth.None(), params, redirectUri(), pending.verifier, transport);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client(), response);
  session.set({ token: tokens.access_token, scope: tokens.scope ?? SCOPES });
  const me = await api('/v2/me');
  session.set({ ...session.user, username: me.username, avatar: me.avatar, admin: session.has('mapillary:admin') });
  return pending.returnTo || '/';
}

/**
 * Revokes the token at the server, then forgets it here, even if the server cannot be reached. Answers whether the
 * server confirmed the revocation (no token: nothing to revoke, true).
 */
export async function signOut() {
  const token = session.token;
  if (!token) {
    session.set(null);
    return true;
  }
  try {
    const as = await authorizationServer();
    const response = await oauth.revocationRequest(as, client(), oauth.None(), token, transport);
    await oauth.processRevocationResponse(response);
    return true;
  } catch (error) {
    console.warn('revocation failed', error);
    return false;
  } finally {
    session.set(null);
  }
}
