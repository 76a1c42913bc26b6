// "Loading map…" over the map while its first lines are slow to come (a slow network): it shows only SIGN_DELAY_MS after
// `since` (a CSS animation's delay, style.css: no timer, and nothing painted when the lines come sooner), and goes once
// lines are drawn or the map has loaded its view. Part of the page's first script (map/coverage-preview.js), so a few
// lines only.
const SIGN_DELAY_MS = 300;

/** Adds the sign (`text`) to `container`, to appear at `since` (a performance.now() time) + SIGN_DELAY_MS. */
export function loadingSign(container, text = 'Loading map…', since = performance.now()) {
  const sign = document.createElement('p');
  sign.className = 'map-loading';
  sign.setAttribute('role', 'status');
  sign.textContent = text;
  sign.style.animationDelay = `${Math.max(0, Math.round(since + SIGN_DELAY_MS - performance.now()))}ms`;
  container.append(sign);
  return sign;
}
