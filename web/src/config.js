// The server's settings for this page (client_id of the app, basemap style), written into the index document.
const meta = document.querySelector('meta[name="sightline-config"]');

/** @type {{clientId: string, basemapStyle: string|null}} */
export const config = meta ? JSON.parse(meta.content) : { clientId: '', basemapStyle: null };

// Build-time file names (hashed), see build.mjs.
// eslint-disable-next-line no-undef
export const files = __SIGHTLINE_FILES__;
