// Measures the web app against a running server, in Debian's chromium (WebGL through SwiftShader, as in the tests):
//  - navigation to the first coverage line drawn on the map (canvas pixels of the line colour, read in each frame),
//  - a click on a line to the photo shown (a preview of the photo on screen, then the viewer's own first frame),
//  - each broken into phases: the app's performance marks (sightline:*), the page's resource timing, and the tile
//    requests (made by MapLibre's worker, so seen through Playwright's request events),
//  - the browser's CPU time (all its processes, from /proc) and, with SERVER_PID set, the server's, for each of the two,
//  - first load: requests, bytes on the wire (gzip) and per file.
// Usage: node measure.mjs URL [runs] [view]   Prints one JSON object. view: a permalink path such as /?lat=..&lon=..&z=16.
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync } from 'node:fs';

const base = new URL(process.argv[2] ?? 'http://127.0.0.1:5080');
const runs = Number(process.argv[3] ?? 5);
const serverPid = process.env.SERVER_PID ? Number(process.env.SERVER_PID) : null;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-background-networking'],
});

// CPU time (ms, user + system) of a process and, for the browser, of all its descendants (renderer, GPU, network).
const ticks = 100; // USER_HZ on Linux
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) * 1000 / ticks };
  } catch { return null; }
}
function cpuOf(root, withChildren) {
  if (!root) return null;
  if (!withChildren) return stat(root)?.cpu ?? null;
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (s) parents.set(Number(name), s);
  }
  let total = 0;
  for (const [pid, s] of parents) {
    for (let p = pid; p; p = parents.get(p)?.ppid) if (p === root) { total += s.cpu; break; }
  }
  return total;
}
// The browser: the chromium process this script started (a child of this process).
const browserPid = readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number)
  .find(pid => stat(pid)?.ppid === process.pid && readFileSync(`/proc/${pid}/comm`, 'utf8').includes('chrom')) ?? null;
const cpu = () => ({ browser: cpuOf(browserPid, true), server: cpuOf(serverPid, false) });
const cpuSince = (a, b) => ({ browserCpuMs: b.browser - a.browser, serverCpuMs: serverPid ? b.server - a.server : undefined });

// Where to look: the newest sequence (as the app itself starts), at street zoom.
const html = await (await fetch(base)).text();
const clientId = JSON.parse(html.match(/name="sightline-config" content="([^"]*)"/)[1].replaceAll('&quot;', '"')).clientId;
const newest = await (await fetch(new URL(`/v2/search/s?client_id=${clientId}&limit=1`, base))).json();
const b = newest.ss[0].boundary;
const view = process.argv[4] ?? `/?lat=${((b.min_lat + b.max_lat) / 2).toFixed(6)}&lon=${((b.min_lon + b.max_lon) / 2).toFixed(6)}&z=16`;

// The pixels are read in MapLibre's own 'render' event, right after it drew a frame: the canvas need not be kept between
// frames, so a read from another callback may see a cleared buffer. The map draws a frame whenever a tile arrives, so
// the frame that first holds a line is one of these. No repaint is forced (in SwiftShader a forced frame costs as much CPU
// as a real one and would slow down the page being measured), except once when the map falls idle without a line. No
// frame can hold a line before the first coverage tile reached the map (the app's mark), so the canvas is only read from
// then on: reading 1440x900 pixels each frame costs time too.
const firstLine = `new Promise(resolve => {
  const started = performance.now();
  let found = false;
  const check = () => {
    const map = window.sightlineMap;
    if (found || !map.getLayer('coverage-lines') || !performance.getEntriesByName('sightline:coverage-tile-loaded').length) return;
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
  const watch = () => {
    const map = window.sightlineMap;
    if (!map) return setTimeout(watch, 5);
    map.on('render', check);
    map.on('idle', () => { if (!found) setTimeout(() => map.triggerRepaint(), 200); });
  };
  watch();
  setTimeout(() => { if (!found) resolve(null); }, 60000);
})`;

// The page's own timeline: its marks, the navigation and the resources it fetched from the main thread.
const timeline = () => ({
  origin: performance.timeOrigin,
  marks: Object.fromEntries(performance.getEntriesByType('mark').filter(m => m.name.startsWith('sightline:')).map(m => [m.name.slice(10), m.startTime])),
  navigation: (({ responseStart, responseEnd, domInteractive, domContentLoadedEventEnd }) => ({ responseStart, responseEnd, domInteractive, domContentLoadedEventEnd }))(performance.getEntriesByType('navigation')[0]),
  resources: performance.getEntriesByType('resource').map(r => ({ url: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd })),
});

const round = x => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x));
const first = (list, key) => list.length ? Math.min(...list.map(r => r[key])) : null;

const results = { view, at: new Date().toISOString(), loadAverage: [], runs: [], firstLoad: null };
for (let run = 0; run < runs; run++) {
  results.loadAverage.push(readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '));
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  page.on('requestfinished', async request => {
    const sizes = await request.sizes().catch(() => null);
    const timing = request.timing();
    requests.push({
      url: request.url().replace(base.origin, ''),
      bytes: sizes ? sizes.responseBodySize + sizes.responseHeadersSize : 0,
      startEpoch: timing.startTime, endEpoch: timing.startTime + timing.responseEnd,
    });
  });
  const before = cpu();
  await page.goto(new URL(view, base).href, { waitUntil: 'domcontentloaded' });
  const line = await page.evaluate(firstLine);
  if (!line) throw new Error(`run ${run}: no coverage line drawn within 60 s`);
  const atLine = cpu();
  const loaded = await page.evaluate(timeline);
  const pageTime = epoch => epoch - loaded.origin;
  const tiles = requests.filter(r => r.url.startsWith('/tiles/'));
  const asset = pattern => loaded.resources.filter(r => pattern.test(r.url));
  const m = loaded.marks;
  const navigation = {
    html: loaded.navigation.responseEnd,
    scriptsLoaded: first(asset(/^\/assets\/app-.*\.js$/), 'end'),
    appEvaluated: m['app-evaluated'],
    mapConstruct: m['map-construct'],
    mapConstructed: m['map-constructed'],
    workerLoaded: (() => { const w = requests.filter(r => r.url.includes('maplibre-gl-worker')); return w.length ? pageTime(Math.max(...w.map(r => r.endEpoch))) : null; })(),
    styleLoaded: m['style-loaded'],
    firstTileRequested: tiles.length ? pageTime(first(tiles, 'startEpoch')) : null,
    firstTileAnswered: tiles.length ? pageTime(first(tiles, 'endEpoch')) : null,
    coverageTileLoaded: m['coverage-tile-loaded'],
    firstLine: line.at,
    basemapFetched: m['basemap-fetched'],
    basemapDecoded: m['basemap-decoded'],
    settled: null,
    tileRequests: tiles.length,
    distinctTiles: new Set(tiles.map(t => t.url)).size,
  };

  // A person clicks seconds after the first line, not in the same frame: the click waits until the page has settled
  // (the viewer's code loaded ahead, or else 5 s after the basemap), at most 20 s.
  await page.waitForFunction(() => performance.getEntriesByName('sightline:viewer-prewarmed').length
    || (performance.getEntriesByName('sightline:basemap-decoded')[0]?.startTime ?? Infinity) + 5000 < performance.now(),
  null, { timeout: 20000, polling: 100 }).catch(() => {});
  const settled = await page.evaluate(() => performance.now());

  // A click on the line, then the photo on screen (the preview, if the app shows one) and the viewer's own frame.
  const top = await page.evaluate(() => window.sightlineMap.getCanvas().getBoundingClientRect().top);
  const clicked = await page.evaluate(() => performance.now());
  const clickCpu = cpu();
  await page.mouse.click(line.x, line.y + top);
  await page.waitForFunction(() => document.querySelector('.photo-pane')?.dataset.photoKey, null, { timeout: 120000, polling: 'raf' });
  const viewerShown = await page.evaluate(() => performance.now());
  const shownCpu = cpu();
  await page.waitForSelector('#photo-details .photo-title', { timeout: 120000 });
  const details = await page.evaluate(() => performance.now());
  const after = await page.evaluate(timeline);
  const a = after.marks;
  navigation.settled = settled;
  navigation.viewerPrewarmed = a['viewer-prewarmed'] ?? null;
  const since = t => (t === undefined || t === null ? null : t - clicked);
  const afterClick = after.resources.filter(r => r.start >= clicked);
  const thumbs = afterClick.filter(r => /\/thumb-\d+\.jpg$/.test(r.url));
  const big = thumbs.filter(r => /thumb-2048/.test(r.url));
  const photoOnScreen = a['preview-shown'] ?? a['photo-shown'];
  const click = {
    clickHandled: since(a.click),
    photoKnown: since(a['photo-key']),
    previewRequested: since(a['preview-requested']),
    previewShown: since(a['preview-shown']),
    viewerLoaded: since(a['viewer-loaded']),
    viewerConstructed: since(a['viewer-constructed']),
    firstImageRequested: since(first(thumbs, 'start')),
    firstImageAnswered: since(first(thumbs, 'end')),
    fullImageRequested: since(first(big, 'start')),
    fullImageAnswered: since(first(big, 'end')),
    viewerShown: viewerShown - clicked,
    details: details - clicked,
    requests: afterClick.map(r => `${round(r.start - clicked)}-${round(r.end - clicked)} ${r.url}`),
  };
  results.runs.push({
    navigationToFirstLineMs: round(line.at),
    clickToPhotoMs: round(since(photoOnScreen)),
    clickToViewerMs: round(viewerShown - clicked),
    clickToDetailsMs: round(details - clicked),
    cpuToFirstLine: cpuSince(before, atLine),
    cpuClickToViewer: cpuSince(clickCpu, shownCpu),
    navigation: Object.fromEntries(Object.entries(navigation).map(([k, v]) => [k, round(v)])),
    click: Object.fromEntries(Object.entries(click).map(([k, v]) => [k, Array.isArray(v) ? v : round(v)])),
  });
  if (run === 0) {
    // The page and its files (not tiles, API calls, thumbnails, nor blob: URLs, which are no requests on the wire).
    const firstLoad = requests.filter(r => r.url.startsWith('/') && !r.url.startsWith('/tiles/') && !r.url.startsWith('/v2/') && !/thumb-/.test(r.url));
    const beforeLine = firstLoad.filter(r => pageTime(r.endEpoch) <= line.at);
    results.firstLoad = {
      requestsBeforeFirstLine: beforeLine.length,
      bytesBeforeFirstLine: beforeLine.reduce((sum, r) => sum + r.bytes, 0),
      requests: firstLoad.length,
      bytes: firstLoad.reduce((sum, r) => sum + r.bytes, 0),
      files: firstLoad.map(r => `${r.url.split('?')[0]} ${r.bytes}`),
      allRequestsUntilPhoto: requests.length,
    };
  }
  await context.close();
}

const median = values => {
  const list = values.filter(v => typeof v === 'number').sort((x, y) => x - y);
  return list.length ? list[Math.floor(list.length / 2)] : null;
};
const medianOf = pick => median(results.runs.map(pick));
results.median = {
  navigationToFirstLineMs: medianOf(r => r.navigationToFirstLineMs),
  clickToPhotoMs: medianOf(r => r.clickToPhotoMs),
  clickToViewerMs: medianOf(r => r.clickToViewerMs),
  clickToDetailsMs: medianOf(r => r.clickToDetailsMs),
  browserCpuMsToFirstLine: medianOf(r => r.cpuToFirstLine.browserCpuMs),
  browserCpuMsClickToViewer: medianOf(r => r.cpuClickToViewer.browserCpuMs),
  serverCpuMsToFirstLine: serverPid ? medianOf(r => r.cpuToFirstLine.serverCpuMs) : undefined,
  navigation: Object.fromEntries(Object.keys(results.runs[0].navigation).map(k => [k, medianOf(r => r.navigation[k])])),
  click: Object.fromEntries(Object.keys(results.runs[0].click).filter(k => k !== 'requests').map(k => [k, medianOf(r => r.click[k])])),
};
console.log(JSON.stringify(results, null, 2));
await browser.close();
