// Measures the web app against a running server, in Debian's chromium (WebGL through SwiftShader, as in the tests):
//  - navigation to the first coverage line on screen, whatever draws it: the first frame of the page's screencast (what
//    the compositor shows) with pixels of the line colour in the map's box; and to the map's own first line (its WebGL
//    canvas's pixels, read in each frame MapLibre draws),
//  - a click on a line to the photo shown (a preview of the photo on screen, then the viewer's own first frame),
//  - each broken into phases: the app's performance marks (sightline:*), the page's resource timing, and the tile
//    requests (made by MapLibre's worker, so seen through Playwright's request events),
//  - the browser's CPU time (all its processes, from /proc) and, with SERVER_PID set, the server's, for each of the two,
//  - first load: requests, bytes on the wire (gzip) and per file.
// Usage: node measure.mjs URL [runs] [view]   Prints one JSON object. view: a permalink path such as /?lat=..&lon=..&z=16.
import { chromium } from 'playwright-core';
import jpeg from 'jpeg-js';
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

// What is on screen: the page's screencast (DevTools' Page.startScreencast, JPEG frames of what the compositor drew,
// each with its time), decoded after the run. A frame holds a line when at least LINE_PIXELS pixels inside the map's box,
// outside the boxes of the controls over it (their buttons have the same green), have the line colour (as drawn at 0.9
// opacity over the land colour, with room for the JPEG's error).
const LINE_PIXELS = 20;
async function startScreencast(context, page) {
  const session = await context.newCDPSession(page);
  const frames = [];
  session.on('Page.screencastFrame', frame => {
    frames.push({ data: frame.data, at: frame.metadata.timestamp * 1000, top: frame.metadata.offsetTop ?? 0 });
    session.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => {});
  });
  await session.send('Page.startScreencast', { format: 'jpeg', quality: 90, everyNthFrame: 1 });
  return { frames, stop: () => session.send('Page.stopScreencast').catch(() => {}) };
}
function firstFrameWithLine(frames, box, masks, origin) {
  for (const frame of frames) {
    if (frame.checked) continue;
    frame.checked = true;
    const image = jpeg.decode(Buffer.from(frame.data, 'base64'), { useTArray: true });
    let count = 0;
    for (let y = Math.max(0, Math.floor(box.top)); y < Math.min(image.height, box.bottom); y++) {
      for (let x = Math.max(0, Math.floor(box.left)); x < Math.min(image.width, box.right); x++) {
        if (masks.some(m => x >= m.left && x < m.right && y >= m.top && y < m.bottom)) continue;
        const i = 4 * (y * image.width + x);
        if (Math.abs(image.data[i] - 22) < 40 && Math.abs(image.data[i + 1] - 131) < 40 && Math.abs(image.data[i + 2] - 68) < 40 && ++count >= LINE_PIXELS)
          return frame.at - origin;
      }
    }
  }
  return null;
}
const screenBoxes = `(() => {
  const box = e => { const r = e.getBoundingClientRect(); return { left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
  return { map: box(document.getElementById('map')),
    masks: [...document.querySelectorAll('.map-tools, .maplibregl-ctrl, .topbar')].map(box) };
})()`;

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
  const screencast = await startScreencast(context, page);
  // The browser's CPU is also sampled every 100 ms until the map's line, for its CPU to the line on screen (the first
  // sample after that frame).
  const samples = [];
  const sampler = setInterval(() => samples.push({ at: Date.now(), cpu: cpu().browser }), 100);
  const before = cpu();
  await page.goto(new URL(view, base).href, { waitUntil: 'domcontentloaded' });
  const line = await page.evaluate(firstLine);
  if (!line) throw new Error(`run ${run}: no coverage line drawn within 60 s`);
  const atLine = cpu();
  // The frame with the map's line reaches the screen (and the screencast) after MapLibre drew it: frames are checked
  // as they come, for at most 10 s more.
  const loaded = await page.evaluate(timeline);
  const boxes = await page.evaluate(screenBoxes);
  let onScreen = null;
  for (const until = Date.now() + 10000; onScreen === null && Date.now() < until; await new Promise(r => setTimeout(r, 50)))
    onScreen = firstFrameWithLine(screencast.frames, boxes.map, boxes.masks, loaded.origin);
  clearInterval(sampler);
  await screencast.stop();
  if (onScreen === null) throw new Error(`run ${run}: no frame of the screencast shows a line (${screencast.frames.length} frames)`);
  const pageTime = epoch => epoch - loaded.origin;
  const tiles = requests.filter(r => r.url.startsWith('/tiles/'));
  const asset = pattern => loaded.resources.filter(r => pattern.test(r.url));
  const m = loaded.marks;
  const navigation = {
    html: loaded.navigation.responseEnd,
    scriptsLoaded: first(asset(/^\/assets\/app-.*\.js$/), 'end'),
    firstScript: m['first-script'],
    previewTilesRequested: m['preview-tiles-requested'],
    appEvaluated: m['app-evaluated'],
    mapConstruct: m['map-construct'],
    mapConstructed: m['map-constructed'],
    workerLoaded: (() => { const w = requests.filter(r => r.url.includes('maplibre-gl-worker')); return w.length ? pageTime(Math.max(...w.map(r => r.endEpoch))) : null; })(),
    styleLoaded: m['style-loaded'],
    firstTileRequested: tiles.length ? pageTime(first(tiles, 'startEpoch')) : null,
    firstTileAnswered: tiles.length ? pageTime(first(tiles, 'endEpoch')) : null,
    coverageTileLoaded: m['coverage-tile-loaded'],
    previewLinesDrawn: m['preview-lines-drawn'],
    maplibreEvaluated: m['maplibre-evaluated'],
    mapFirstLine: line.at,
    firstLineOnScreen: onScreen,
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
    previewFetched: since(a['preview-fetched']),
    previewDecoded: since(a['preview-decoded']),
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
    navigationToFirstLineMs: round(onScreen),
    navigationToMapFirstLineMs: round(line.at),
    screencastFrames: screencast.frames.length,
    clickToPhotoMs: round(since(photoOnScreen)),
    clickToViewerMs: round(viewerShown - clicked),
    clickToDetailsMs: round(details - clicked),
    cpuToFirstLine: cpuSince(before, atLine),
    browserCpuMsToLineOnScreen: round((samples.find(x => x.at >= loaded.origin + onScreen)?.cpu ?? atLine.browser) - before.browser),
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
  navigationToMapFirstLineMs: medianOf(r => r.navigationToMapFirstLineMs),
  clickToPhotoMs: medianOf(r => r.clickToPhotoMs),
  clickToViewerMs: medianOf(r => r.clickToViewerMs),
  clickToDetailsMs: medianOf(r => r.clickToDetailsMs),
  browserCpuMsToFirstLine: medianOf(r => r.cpuToFirstLine.browserCpuMs),
  browserCpuMsToLineOnScreen: medianOf(r => r.browserCpuMsToLineOnScreen),
  browserCpuMsClickToViewer: medianOf(r => r.cpuClickToViewer.browserCpuMs),
  serverCpuMsToFirstLine: serverPid ? medianOf(r => r.cpuToFirstLine.serverCpuMs) : undefined,
  navigation: Object.fromEntries(Object.keys(results.runs[0].navigation).map(k => [k, medianOf(r => r.navigation[k])])),
  click: Object.fromEntries(Object.keys(results.runs[0].click).filter(k => k !== 'requests').map(k => [k, medianOf(r => r.click[k])])),
};
console.log(JSON.stringify(results, null, 2));
await browser.close();
