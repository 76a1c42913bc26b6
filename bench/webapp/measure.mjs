// Measures the web app against a running server, in Debian's chromium (WebGL through SwiftShader, as in the tests):
//  - navigation to the first coverage line drawn on the map (canvas pixels of the line colour, polled every frame),
//  - a click on a line to the photo shown by the viewer, and to its details,
//  - first load: requests, bytes on the wire (gzip) and per file.
// Usage: node measure.mjs URL [runs] [view]   Prints one JSON object. view: a permalink path such as /?lat=..&lon=..&z=16.
import { chromium } from 'playwright-core';

const base = new URL(process.argv[2] ?? 'http://127.0.0.1:5080');
const runs = Number(process.argv[3] ?? 5);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking'],
});

// Where to look: the newest sequence (as the app itself starts), at street zoom.
const html = await (await fetch(base)).text();
const clientId = JSON.parse(html.match(/name="sightline-config" content="([^"]*)"/)[1].replaceAll('&quot;', '"')).clientId;
const newest = await (await fetch(new URL(`/v2/search/s?client_id=${clientId}&limit=1`, base))).json();
const b = newest.ss[0].boundary;
const view = process.argv[4] ?? `/?lat=${((b.min_lat + b.max_lat) / 2).toFixed(6)}&lon=${((b.min_lon + b.max_lon) / 2).toFixed(6)}&z=16`;

// The pixels are read in MapLibre's own 'render' event, right after it drew a frame: the canvas is not kept between frames
// (preserveDrawingBuffer is off), so a read from another animation-frame callback may see a cleared buffer, and once the
// map has drawn its last tile it stops drawing. Each frame asks for one more repaint until the line is seen.
const firstLine = `new Promise(resolve => {
  const started = performance.now();
  let found = false, watching = false;
  const check = () => {
    const map = window.sightlineMap;
    if (found || !map.getLayer('coverage-lines')) return;
    const canvas = map.getCanvas();
    const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
    const w = gl.drawingBufferWidth, h = gl.drawingBufferHeight;
    const pixels = new Uint8Array(w * h * 4);
    gl.readPixels(0, 0, w, h, gl.RGBA, gl.UNSIGNED_BYTE, pixels);
    for (let i = 0; i < pixels.length; i += 4)
      if (Math.abs(pixels[i] - 10) < 28 && Math.abs(pixels[i + 1] - 125) < 28 && Math.abs(pixels[i + 2] - 59) < 28) {
        found = true;
        let x = (i / 4) % w, y = h - 1 - Math.floor(i / 4 / w);
        return resolve({ at: performance.now(), x: x / (w / canvas.clientWidth), y: y / (h / canvas.clientHeight) });
      }
  };
  const look = () => {
    if (found) return;
    const map = window.sightlineMap;
    if (map && !watching) {
      map.on('render', check);
      watching = true;
    }
    if (map) map.triggerRepaint();
    if (performance.now() - started > 60000) return resolve(null);
    requestAnimationFrame(look);
  };
  look();
})`;

const results = { view, runs: [], firstLoad: null };
for (let run = 0; run < runs; run++) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  page.on('requestfinished', async request => {
    const sizes = await request.sizes().catch(() => null);
    requests.push({ url: request.url().replace(base.origin, ''), bytes: sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0 });
  });
  await page.goto(new URL(view, base).href, { waitUntil: 'domcontentloaded' });
  const line = await page.evaluate(firstLine);
  const navigationToLine = line ? line.at : null; // performance.now() counts from the navigation's start
  // A click on the line, then the viewer's photo and the details.
  const clicked = await page.evaluate(() => performance.now());
  await page.mouse.click(line.x, line.y + (await page.evaluate(() => window.sightlineMap.getCanvas().getBoundingClientRect().top)));
  await page.waitForFunction(() => document.querySelector('.photo-pane')?.dataset.photoKey, null, { timeout: 120000, polling: 'raf' });
  const shown = await page.evaluate(() => performance.now());
  await page.waitForSelector('#photo-details .photo-title', { timeout: 120000 });
  const details = await page.evaluate(() => performance.now());
  results.runs.push({ navigationToFirstLineMs: Math.round(navigationToLine), clickToPhotoMs: Math.round(shown - clicked), clickToDetailsMs: Math.round(details - clicked) });
  if (run === 0) {
    const firstLoad = requests.filter(r => !r.url.startsWith('/tiles/') && !r.url.startsWith('/v2/') && !/thumb-/.test(r.url));
    results.firstLoad = {
      requests: firstLoad.length,
      bytes: firstLoad.reduce((sum, r) => sum + r.bytes, 0),
      files: firstLoad.map(r => `${r.url.split('?')[0]} ${r.bytes}`),
      allRequestsUntilPhoto: requests.length,
    };
  }
  await context.close();
}
const median = key => results.runs.map(r => r[key]).sort((a, b) => a - b)[Math.floor(results.runs.length / 2)];
results.median = { navigationToFirstLineMs: median('navigationToFirstLineMs'), clickToPhotoMs: median('clickToPhotoMs'), clickToDetailsMs: median('clickToDetailsMs') };
console.log(JSON.stringify(results, null, 2));
await browser.close();
