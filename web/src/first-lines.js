// The page's first script (a few KB): on Explore, the first coverage lines go on screen before the app's own script is
// evaluated. The view's centre tiles were asked for with the document (the server names them as preloads), the rest of
// the view's now; their lines are drawn into a 2D canvas in the page's main area, which Explore's map takes over
// (map/coverage-preview.js). The app's script (fetched with the page, modulepreload) is evaluated once those lines are
// on screen, or after PREVIEW_WAIT_MS without them: evaluating it holds this thread for 0.2-1 s, and with it the
// preview's drawing and frame.
import { startFirstLines } from './map/coverage-preview.js';

const PREVIEW_WAIT_MS = 400;
performance.mark('sightline:first-script');
const preview = startFirstLines(document.getElementById('main'), location);
if (preview) await preview.shown(PREVIEW_WAIT_MS);
await import(document.querySelector('link[data-app]').href);
