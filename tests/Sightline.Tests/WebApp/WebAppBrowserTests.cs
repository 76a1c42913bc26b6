using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using NetVips;
using Sightline.Tests.Imagery;

namespace Sightline.Tests.WebApp;

/// <summary>
/// The web app in Debian's headless chromium against a real server with demo photos: the map draws the coverage from the
/// tiles, the viewer opens and walks photos, people sign in with PKCE, upload, comment, request blurs that an administrator
/// approves, and a private photo stays hidden from a stranger. Screenshots of each screen go to Chromium.ScreenshotDirectory.
/// </summary>
public sealed partial class WebAppBrowserTests(WebAppFixture app) : IClassFixture<WebAppFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    // The pages a test opened stop drawing when it ends (xunit makes an instance per test; the class's tests run one at a time).
    public Task DisposeAsync() => app.Chromium.CloseContextsAsync();

    // Over the demo's streets in Ghent.
    private const string GhentView = "/?lat=51.05440&lon=3.72090&z=17";

    [Fact]
    public async Task MapDrawsCoverageLinesFromTheServersTiles()
    {
        var page = await app.Chromium.NewPageAsync();
        page.SetDefaultTimeout(WebAppFixture.BrowserTimeoutMs);
        var violations = await WatchForPolicyViolationsAsync(page);
        var tile = page.WaitForResponseAsync(r => r.Url.Contains("/tiles/", StringComparison.Ordinal) && r.Status == 200);
        await page.GotoAsync(app.Url(GhentView));
        Assert.Equal("application/vnd.mapbox-vector-tile", (await tile).Headers["content-type"]);
        await MapPixels.WaitForMapAsync(page);

        var pixels = await MapPixels.ReadAsync(page);
        Assert.True(pixels.Count > 200, $"only {pixels.Count} pixels of the coverage colour on the map");
        await WebAppFixture.ScreenshotAsync(page, "explore-1024");
        Assert.Empty(await violations());
    }

    [Fact]
    public async Task ThePreviewsLinesAreWhereTheMapDrawsThemAndTheMapReplacesIt()
    {
        // Zoom 15: lines only (from zoom 16 on the map also draws each photo as a point over its line).
        var page = await app.Chromium.NewPageAsync();
        page.SetDefaultTimeout(WebAppFixture.BrowserTimeoutMs);
        await page.AddInitScriptAsync(KeepThePreviewsCanvas);
        await page.GotoAsync(app.Url("/?lat=51.05440&lon=3.72090&z=15"));
        await page.WaitForFunctionAsync("() => performance.getEntriesByName('sightline:preview-lines-drawn').length > 0");
        await MapPixels.WaitForMapAsync(page);
        await page.WaitForFunctionAsync("() => !document.querySelector('.coverage-preview')", null, new() { PollingInterval = 100 });

        await AssertThePreviewMatchesTheMapAsync(page, minimumPixels: 200);
    }

    [Fact]
    public async Task AFirstVisitWithoutAPositionShowsThePreviewOfTheWorldFromTilesPreloadedWithThePage()
    {
        var page = await app.Chromium.NewPageAsync(1440, 900); // the whole world's width at the default view
        page.SetDefaultTimeout(WebAppFixture.BrowserTimeoutMs);
        await page.AddInitScriptAsync(KeepThePreviewsCanvas);
        var violations = await WatchForPolicyViolationsAsync(page);
        await page.GotoAsync(app.Url("/"));
        await page.WaitForFunctionAsync("() => performance.getEntriesByName('sightline:preview-lines-drawn').length > 0");
        // The map starts where the preview was drawn (the default view over the world), then moves to the newest photos
        // (and the preview goes); back at the default view, the map's lines are the preview's.
        await page.WaitForFunctionAsync("() => window.sightlineMap && window.sightlineMap.getZoom() > 10 && !document.querySelector('.coverage-preview')",
            null, new() { PollingInterval = 100 });
        await page.EvaluateAsync("() => new Promise(resolve => { window.sightlineMap.once('idle', () => resolve(true)); window.sightlineMap.jumpTo({ center: [0, 20], zoom: 1.6 }); })");
        await MapPixels.WaitForMapAsync(page);
        // The demo's streets in Ghent are a few pixels at this zoom (3 line pixels in each).
        await AssertThePreviewMatchesTheMapAsync(page, minimumPixels: 0);

        // The server named the view's centre tiles as preloads (all four of zoom 1 here), and the preview's own requests
        // took those answers: no tile was asked for by the page twice.
        var tiles = await page.EvaluateAsync<JsonElement>(
            "() => performance.getEntriesByType('resource').filter(r => r.name.includes('/tiles/')).map(r => `${r.initiatorType} ${new URL(r.name).pathname}`)");
        var requests = tiles.EnumerateArray().Select(t => t.GetString()!.Split(' ')).ToList();
        var preloaded = requests.Where(r => r[0] == "link").Select(r => r[1]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["/tiles/1/0/0.mapbox", "/tiles/1/0/1.mapbox", "/tiles/1/1/0.mapbox", "/tiles/1/1/1.mapbox"], preloaded);
        Assert.Equal(requests.Count, requests.Select(r => r[1]).Distinct().Count());
        Assert.Empty(await violations());
    }

    // The preview's canvas, kept once the page adds it (the page removes it once the map has drawn).
    private const string KeepThePreviewsCanvas = """
        new MutationObserver((_, observer) => {
          const canvas = document.querySelector('canvas.coverage-preview');
          if (canvas) { window.__preview = canvas; observer.disconnect(); }
        }).observe(document, { childList: true, subtree: true });
        """;

    /// <summary>
    /// The preview's line pixels (opaque enough to be a line's core) against the map's, both in CSS pixels of the map's
    /// box: nearly every one of either set has one of the other within a pixel.
    /// </summary>
    private static async Task AssertThePreviewMatchesTheMapAsync(IPage page, int minimumPixels)
    {
        var overlap = await page.EvaluateAsync<JsonElement>("""
            () => {
              const read = (canvas, width, height) => {
                const copy = document.createElement('canvas');
                copy.width = width; copy.height = height;
                const context = copy.getContext('2d');
                context.drawImage(canvas, 0, 0, width, height);
                const data = context.getImageData(0, 0, width, height).data;
                const set = new Set();
                for (let i = 0; i < data.length; i += 4)
                  if (data[i + 3] > 200 && Math.abs(data[i] - 10) < 28 && Math.abs(data[i + 1] - 125) < 28 && Math.abs(data[i + 2] - 59) < 28) set.add(i / 4);
                return set;
              };
              const map = window.sightlineMap.getCanvas();
              const width = map.clientWidth, height = map.clientHeight;
              const preview = read(window.__preview, width, height), drawn = read(map, width, height);
              const near = (set, other) => {
                let found = 0;
                for (const p of set) {
                  const x = p % width, y = Math.floor(p / width);
                  let hit = false;
                  for (let dy = -1; dy <= 1 && !hit; dy++) for (let dx = -1; dx <= 1 && !hit; dx++) hit = other.has((y + dy) * width + x + dx);
                  if (hit) found++;
                }
                return set.size ? found / set.size : 0;
              };
              return { preview: preview.size, map: drawn.size, previewOnMap: near(preview, drawn), mapOnPreview: near(drawn, preview),
                sameSize: parseFloat(window.__preview.style.width) === width && parseFloat(window.__preview.style.height) === height };
            }
            """);
        Assert.True(overlap.GetProperty("sameSize").GetBoolean(), $"the preview and the map differ in size: {overlap}");
        Assert.True(overlap.GetProperty("preview").GetInt32() > minimumPixels, $"too few line pixels in the preview: {overlap}");
        Assert.True(overlap.GetProperty("previewOnMap").GetDouble() > 0.95, $"the preview's lines are not where the map draws them: {overlap}");
        Assert.True(overlap.GetProperty("mapOnPreview").GetDouble() > 0.95, $"the map draws lines the preview did not: {overlap}");
    }

    private const string Water = "#c9dcea", Land = "#f3f1ec";

    [Fact]
    public async Task TheOfflineBasemapIsCutAtTheAntimeridianSoTheWorldShowsNoBandsOrLinesAcrossIt()
    {
        var page = await app.OpenAsync("/?lat=20&lon=0&z=1.6", width: 1440, height: 900); // the whole world's width
        await MapPixels.WaitForBasemapAsync(page);
        await WebAppFixture.ScreenshotAsync(page, "world");

        // Uncut, the rings that cross the antimeridian (Russia's, Fiji's, Antarctica's) were filled as bands the wrong way
        // round the world: land over the North Atlantic, water over Siberia.
        await AssertColoursAsync(page, Water, "the North Atlantic", (-30, 58), (-50, 58), (-40, 30));
        await AssertColoursAsync(page, Land, "Siberia, the Urals, the Congo", (100, 65), (60, 60), (20, 0));

        // A line across the world (a ring's edge from one side of the antimeridian to the other) shows in every column of
        // the Pacific at the same row: no row of the map is off the water's colour in all of them.
        var columns = new[] { -175.0, -160, -145, -130, -115 };
        var latitudes = Enumerable.Range(0, 500).Select(i => 50 - i * 0.21).ToArray(); // 50 N to 55 S, finer than a pixel
        var sampled = await MapPixels.ColoursAtAsync(page, latitudes.SelectMany(lat => columns.Select(lon => (lon, lat))).ToArray());
        var crossed = latitudes.Where((lat, row) => sampled.Skip(row * columns.Length).Take(columns.Length).All(c => !IsColour(c, Water))).ToList();
        Assert.True(crossed.Count == 0, $"a line crosses the Pacific at latitude {string.Join(", ", crossed)}");

        // The file itself: planar, so no edge of a ring or line spans more than half the world's longitudes.
        var basemapUrl = await page.EvaluateAsync<string>("() => performance.getEntriesByType('resource').map(r => r.name).find(n => n.includes('/assets/basemap-'))");
        var topology = await app.Server.Http.GetFromJsonAsync<JsonElement>(new Uri(basemapUrl).AbsolutePath);
        Assert.Equal(["borders", "coast", "land"], topology.GetProperty("objects").EnumerateObject().Select(o => o.Name).Order(StringComparer.Ordinal));
        var scale = topology.GetProperty("transform").GetProperty("scale")[0].GetDouble();
        var longest = 0.0;
        foreach (var arc in topology.GetProperty("arcs").EnumerateArray())
        {
            var x = 0L;
            var previous = double.NaN;
            foreach (var point in arc.EnumerateArray())
            {
                x += point[0].GetInt64(); // delta-encoded, quantized
                var lon = x * scale;
                if (!double.IsNaN(previous))
                    longest = Math.Max(longest, Math.Abs(lon - previous));
                previous = lon;
            }
        }
        Assert.True(longest <= 180, $"an edge of the basemap spans {longest:F1} degrees of longitude");

        // Closer to the pole (the audit's view of northern Europe and Siberia).
        var north = await app.OpenAsync("/?lat=60&lon=60&z=2.5", width: 1440, height: 900);
        await MapPixels.WaitForBasemapAsync(north);
        await AssertColoursAsync(north, Water, "the Norwegian Sea", (-5, 68), (-10, 70));
        await AssertColoursAsync(north, Land, "northern Siberia", (110, 67), (130, 67), (80, 66));
    }

    private static async Task AssertColoursAsync(IPage page, string expected, string what, params (double Lon, double Lat)[] places)
    {
        var colours = await MapPixels.ColoursAtAsync(page, places);
        Assert.True(colours.All(c => IsColour(c, expected)),
            $"{what} is not {(expected == Water ? "water" : "land")}: {string.Join(", ", places.Zip(colours, (p, c) => $"{p.Lat},{p.Lon} {c}"))}");
    }

    // Within a few levels of each channel (a colour blended at an edge is not).
    private static bool IsColour(string actual, string expected) =>
        Enumerable.Range(0, 3).All(i => Math.Abs(Convert.ToInt32(actual.Substring(1 + 2 * i, 2), 16) - Convert.ToInt32(expected.Substring(1 + 2 * i, 2), 16)) <= 4);

    [Theory]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(9)]
    public async Task TheCoverageStaysVisibleZoomedOut(int zoom)
    {
        // The demo's four streets in Ghent are a pixel or two long from zoom 9 down: drawn as lines 2 px wide they were a
        // speck, then nothing. A round-capped wide line is a dot: at least a 5 px disc (about 20 pixels of the colour).
        var page = await app.OpenAsync($"/?lat=51.0544&lon=3.7209&z={zoom}");
        await MapPixels.WaitForMapAsync(page);
        var pixels = await MapPixels.ReadAsync(page);
        Assert.True(pixels.Count >= 18, $"only {pixels.Count} pixels of the coverage colour at zoom {zoom}");
        if (zoom == 3)
            await WebAppFixture.ScreenshotAsync(page, "zoom-3");
    }

    [Fact]
    public async Task ANewcomerSeesAHintAndHowManyPhotosAreStillBeingProcessedWithoutCoveringTheControls()
    {
        // A phone; the server says three photos are still being processed, then none.
        var page = await app.Chromium.NewPageAsync(375, 740);
        page.SetDefaultTimeout(WebAppFixture.BrowserTimeoutMs);
        var processing = 3;
        await page.RouteAsync(url => new Uri(url).AbsolutePath == "/v2/status", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "application/json",
            Body = $$"""{"code":"ok","message":"request performed","status":200,"version":"1.0.0","users":1,"images":40,"sequences":4,"images_processing":{{processing}}}""",
        }));
        await page.GotoAsync(app.Url("/?lat=51.05440&lon=3.72090&z=15"));

        var hint = page.Locator("#explore-hint");
        await hint.WaitForAsync();
        Assert.Contains("Click a line to see its photos", await hint.InnerTextAsync());
        var notice = page.Locator("#processing-notice");
        await notice.WaitForAsync();
        Assert.Equal("3 photos are still being processed", await notice.InnerTextAsync());
        await MapPixels.WaitForMapAsync(page);
        await WebAppFixture.ScreenshotAsync(page, "notes-375");
        foreach (var control in new[] { "#place-search", ".filter-toggle", ".maplibregl-ctrl-bottom-right", ".maplibregl-ctrl-bottom-left" })
        {
            Assert.False(await OverlapAsync(page, "#explore-hint", control), $"the hint covers {control}");
            Assert.False(await OverlapAsync(page, "#processing-notice", control), $"the processing notice covers {control}");
        }
        // Asked once the map had drawn its first tiles, not before (the first lines come first).
        Assert.True(await page.EvaluateAsync<bool>("""
            () => performance.getEntriesByType('resource').find(r => new URL(r.name).pathname === '/v2/status').startTime
                  > performance.getEntriesByName('sightline:coverage-tile-loaded')[0].startTime
            """));

        // Done processing: the notice goes (asked again every 10 s while some are left).
        processing = 0;
        await notice.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });

        // Dismissed, the hint stays away.
        await page.ClickAsync("#explore-hint .note-close");
        await hint.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden });
        await page.ReloadAsync();
        await page.WaitForSelectorAsync("#processing-notice", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        Assert.False(await hint.IsVisibleAsync());

        // A newcomer who opens a photo has found out how: no hint after that either.
        var keys = await DemoSequenceAsync(street: 1);
        var other = await app.OpenAsync($"/?pKey={keys[1]}");
        await ShownPhotoAsync(other, keys[1]);
        Assert.False(await other.Locator("#explore-hint").IsVisibleAsync());
        Assert.Equal("1", await other.EvaluateAsync<string?>("() => localStorage.getItem('sightline.hint-seen')"));
    }

    [Fact]
    public async Task PlaceSearchFindsAPlaceByItsEnglishNameSaysWhenNothingIsFoundAndReadsLonLat()
    {
        var page = await app.OpenAsync("/?lat=20&lon=0&z=2");
        await MapPixels.WaitForMapAsync(page);
        var results = page.Locator("#place-results");

        await page.FillAsync("#place-search", "Ghent");
        var first = results.Locator("button").First;
        await first.WaitForAsync();
        Assert.StartsWith("Gent (Ghent)", await first.InnerTextAsync());
        await page.PressAsync("#place-search", "Enter");
        await page.WaitForFunctionAsync("() => { const c = window.sightlineMap.getCenter(); return !window.sightlineMap.isMoving() && Math.abs(c.lat - 51.05) < 0.05 && Math.abs(c.lng - 3.72) < 0.05; }",
            null, new PageWaitForFunctionOptions { PollingInterval = 100 });

        await page.FillAsync("#place-search", "zzzzqq");
        await page.WaitForSelectorAsync("#place-results >> text=No place found");
        Assert.Equal(0, await results.Locator("button").CountAsync());

        // 120 cannot be a latitude: "120.5 -30" is a longitude, then a latitude.
        await page.FillAsync("#place-search", "120.5 -30");
        await page.WaitForSelectorAsync("#place-results button >> text=-30, 120.5");
        await page.PressAsync("#place-search", "Enter");
        await page.WaitForFunctionAsync("() => { const c = window.sightlineMap.getCenter(); return !window.sightlineMap.isMoving() && Math.abs(c.lat + 30) < 0.01 && Math.abs(c.lng - 120.5) < 0.01; }",
            null, new PageWaitForFunctionOptions { PollingInterval = 100 });
    }

    [Fact]
    public async Task TheUserFilterIgnoresCaseAndSaysWhenThereIsNoSuchUser()
    {
        // Zoom 15: lines only, so every pixel of the coverage colour is a line's.
        var page = await app.OpenAsync("/?lat=51.05440&lon=3.72090&z=15");
        await MapPixels.WaitForMapAsync(page);
        var before = await MapPixels.ReadAsync(page);
        Assert.True(before.Count > 100, $"only {before.Count} line pixels before filtering");

        async Task FilterAsync(string user)
        {
            if (!await page.IsVisibleAsync("#filters"))
                await page.ClickAsync(".filter-toggle");
            await page.FillAsync("#filters input[name=user]", user);
            await page.ClickAsync("#filters button[type=submit]");
            await page.WaitForFunctionAsync("() => window.sightlineMap.getFilter('coverage-lines') !== null");
            await page.EvaluateAsync("() => new Promise(resolve => { window.sightlineMap.once('idle', () => resolve(true)); window.sightlineMap.triggerRepaint(); })");
            await MapPixels.WaitForMapAsync(page);
        }

        // The tiles say "demo"; the API finds "Demo" too, and so do the lines now.
        await FilterAsync("Demo");
        var filtered = await MapPixels.ReadAsync(page);
        Assert.True(filtered.Count > before.Count / 2, $"the filter \"Demo\" hid the demo's lines: {filtered.Count} of {before.Count} pixels left");
        Assert.False(await page.IsVisibleAsync("#filter-user-message"));

        await FilterAsync("nobody");
        await page.WaitForSelectorAsync("#filter-user-message >> text=No user named “nobody”.");
        Assert.Equal(0, (await MapPixels.ReadAsync(page)).Count);
    }

    private static Task<bool> OverlapAsync(IPage page, string a, string b) =>
        page.EvaluateAsync<bool>("""
            ([a, b]) => {
              const r = document.querySelector(a).getBoundingClientRect(), s = document.querySelector(b).getBoundingClientRect();
              return r.width > 0 && s.width > 0 && r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
            }
            """, new[] { a, b });

    [Fact]
    public async Task ClickingALineOpensItsPhoto()
    {
        var (page, line) = await GhentWithALineAsync();

        var searches = new List<string>();
        page.Request += (_, request) => { if (request.Url.Contains("/v2/search/im/s/", StringComparison.Ordinal)) searches.Add(request.Url); };
        var clickedAt = await page.EvaluateAsync<JsonElement>(
            $"() => {{ const r = window.sightlineMap.getCanvas().getBoundingClientRect(); return window.sightlineMap.unproject([{line.X.ToString(System.Globalization.CultureInfo.InvariantCulture)} - r.left, {line.Y.ToString(System.Globalization.CultureInfo.InvariantCulture)} - r.top]); }}");
        await page.Mouse.ClickAsync((float)line.X, (float)line.Y);
        var key = await ShownPhotoAsync(page);
        var image = await app.ImageAsync(key);
        Assert.Equal(key, image.GetProperty("key").GetString());
        // The photo came from the tile's line (its photos' keys, one point each), with no search: the one the server's
        // search names as the sequence's nearest to the click.
        Assert.Empty(searches);
        var nearest = await app.Server.Http.GetFromJsonAsync<JsonElement>(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"/v2/search/im/s/{image.GetProperty("sequence_key").GetString()}?client_id={app.DemoClientId}&lat={clickedAt.GetProperty("lat").GetDouble()}&lon={clickedAt.GetProperty("lng").GetDouble()}"));
        Assert.Equal(nearest.GetProperty("key").GetString(), key);
        await page.WaitForFunctionAsync($"() => location.search.includes('pKey={key}')");
        await page.WaitForSelectorAsync("#photo-details .photo-title");
        Assert.Contains("demo", await page.InnerTextAsync("#photo-details .photo-title"));
        Assert.Contains("Gent, Belgium", await page.InnerTextAsync("#photo-details .facts")); // the place it was taken in
        await page.WaitForTimeoutAsync(800); // the viewer's transition ends before the screenshot
        await WebAppFixture.ScreenshotAsync(page, "photo-1024");
    }

    [Fact]
    public async Task BackClosesAPhotoOpenedFromTheMapForwardReopensItAndEscapeClosesIt()
    {
        var (page, line) = await GhentWithALineAsync();
        await page.Mouse.ClickAsync((float)line.X, (float)line.Y);
        var key = await ShownPhotoAsync(page);
        await page.WaitForFunctionAsync($"() => location.search.includes('pKey={key}')");

        // The click gave the photo a history entry: Back closes it (and stays on the map), Forward opens it again.
        await page.GoBackAsync();
        await page.WaitForFunctionAsync("() => !location.search.includes('pKey') && !document.querySelector('.explore').classList.contains('has-photo')");
        Assert.Equal(app.Url("/"), page.Url.Split('?')[0]);
        await page.GoForwardAsync();
        Assert.Equal(key, await ShownPhotoAsync(page, key));
        await page.WaitForFunctionAsync("() => document.querySelector('.explore').classList.contains('has-photo')");

        // Escape closes the open panel, innermost first: the filters, then the photo.
        await page.ClickAsync(".filter-toggle");
        await page.WaitForSelectorAsync("#filters", new() { State = WaitForSelectorState.Visible });
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForSelectorAsync("#filters", new() { State = WaitForSelectorState.Hidden });
        Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('.explore').classList.contains('has-photo')"));
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForFunctionAsync("() => !location.search.includes('pKey') && !document.querySelector('.explore').classList.contains('has-photo')");
    }

    [Fact]
    public async Task WithTheServerUnreachableThePageSaysSoRatherThanThatThePhotoDoesNotExist()
    {
        var keys = await DemoSequenceAsync();
        var page = await app.OpenAsync(GhentView);
        await MapPixels.WaitForMapAsync(page);
        await page.RouteAsync("**/v2/**", route => route.AbortAsync());
        await page.RouteAsync("**/.well-known/**", route => route.AbortAsync());

        await page.EvaluateAsync($"() => {{ history.pushState(null, '', '/?pKey={keys[2]}'); dispatchEvent(new PopStateEvent('popstate')); }}");
        await page.WaitForSelectorAsync("#photo-details .error >> text=cannot be reached");
        // Sign in needs the server too: the button says why nothing happens.
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#toast >> text=cannot be reached");
    }

    [Fact]
    public async Task NextAndPreviousWalkTheSequence()
    {
        var keys = await DemoSequenceAsync();
        var page = await app.OpenAsync($"/?pKey={keys[1]}");
        Assert.Equal(keys[1], await ShownPhotoAsync(page));

        await page.ClickAsync("#photo-next");
        Assert.Equal(keys[2], await ShownPhotoAsync(page, keys[2]));
        await page.ClickAsync("#photo-prev");
        Assert.Equal(keys[1], await ShownPhotoAsync(page, keys[1]));
        await page.ClickAsync("#photo-prev");
        Assert.Equal(keys[0], await ShownPhotoAsync(page, keys[0]));
        await page.WaitForSelectorAsync("#photo-prev:disabled");
    }

    [Fact]
    public async Task PermalinkReopensTheSamePhotoAndPlace()
    {
        var keys = await DemoSequenceAsync();
        var page = await app.OpenAsync($"/?pKey={keys[3]}");
        await ShownPhotoAsync(page, keys[3]);
        // The photo opened over a world view flies the map to it: take the permalink once the map has settled there.
        await page.WaitForFunctionAsync("""
            () => {
              const map = window.sightlineMap, q = new URLSearchParams(location.search);
              if (!map || map.isMoving() || map.getZoom() < 10 || !q.get('pKey')) return false;
              const c = map.getCenter();
              return Math.abs(+q.get('lat') - c.lat) < 1e-3 && Math.abs(+q.get('lon') - c.lng) < 1e-3;
            }
            """, null, new() { Timeout = WebAppFixture.BrowserTimeoutMs });
        var permalink = page.Url;

        var again = await app.OpenAsync(new Uri(permalink).PathAndQuery);
        Assert.Equal(keys[3], await ShownPhotoAsync(again, keys[3]));
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(permalink).Query);
        await MapPixels.WaitForMapAsync(again);
        var center = await again.EvaluateAsync<JsonElement>("() => window.sightlineMap.getCenter()");
        Assert.Equal(double.Parse(query["lat"]!, System.Globalization.CultureInfo.InvariantCulture), center.GetProperty("lat").GetDouble(), 3);
        Assert.Equal(double.Parse(query["lon"]!, System.Globalization.CultureInfo.InvariantCulture), center.GetProperty("lng").GetDouble(), 3);
    }

    [Fact]
    public async Task SignInWithPkceAndSignOutRevokesTheToken()
    {
        var page = await app.OpenAsync("/");
        await WebAppFixture.SignInAsync(page, WebAppFixture.Alice);
        Assert.Equal(app.Url("/"), page.Url.Split('?')[0]);
        Assert.Contains(WebAppFixture.Alice, await page.InnerTextAsync("#account"));
        var token = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('sightline.session')).token");
        Assert.Equal(HttpStatusCodeOk, await MeStatusAsync(token));

        // The app revokes the token, then shows the signed-out state: wait for the revocation's answer.
        var revoked = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#sign-out"), r => r.Url.Contains("/revoke", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCodeOk, revoked.Status);
        await page.WaitForSelectorAsync("#sign-in");
        await page.WaitForSelectorAsync("#toast >> text=Signed out.");
        Assert.NotEqual(HttpStatusCodeOk, await MeStatusAsync(token));
    }

    [Fact]
    public async Task SignOutWithTheServerUnreachableForgetsTheTokenAndSaysItWasNotRevoked()
    {
        var page = await app.OpenAsync("/");
        await WebAppFixture.SignInAsync(page, WebAppFixture.Alice);
        var token = await page.EvaluateAsync<string>("() => JSON.parse(sessionStorage.getItem('sightline.session')).token");
        await page.RouteAsync("**/revoke*", route => route.AbortAsync());

        await page.ClickAsync("#sign-out");
        await page.WaitForSelectorAsync("#sign-in");
        await page.WaitForSelectorAsync("#toast >> text=could not be reached to revoke the token");
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('sightline.session')"));
        // The token was not revoked: the page says so rather than pretend.
        Assert.Equal(HttpStatusCodeOk, await MeStatusAsync(token));
    }

    [Fact]
    public async Task UploadOfThreeJpegsShowsProgressAndTheirThumbnails()
    {
        var page = await app.OpenAsync("/upload");
        await WebAppFixture.SignInAsync(page, WebAppFixture.Bob);
        Assert.Equal(app.Url("/upload"), page.Url);
        var files = Enumerable.Range(0, 3).Select(i => new FilePayload
        {
            Name = $"walk-{i}.jpg",
            MimeType = "image/jpeg",
            Buffer = Photo(51.0600 + i * 0.00005, 3.7300, new DateTime(2025, 3, 1, 10, 0, i * 2, DateTimeKind.Utc), shade: 60 + i * 50),
        }).ToArray();
        await page.SetInputFilesAsync("#upload-files", files);

        await page.WaitForSelectorAsync(".upload-item >> nth=2");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('.upload-item[data-state=done] .upload-thumb img').length === 3",
            null, new PageWaitForFunctionOptions { PollingInterval = 200 });
        var progress = await page.EvalOnSelectorAllAsync<int[]>(".upload-item progress", "bars => bars.map(b => b.value)");
        Assert.Equal([100, 100, 100], progress);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.upload-thumb img')].every(i => i.complete && i.naturalWidth > 0)");
        await WebAppFixture.ScreenshotAsync(page, "upload");

        // A file that is not a JPEG is said to be left out, not dropped in silence.
        using var png = Image.Black(8, 8, bands: 3).Cast(Enums.BandFormat.Uchar);
        await page.SetInputFilesAsync("#upload-files", new FilePayload { Name = "drawing.png", MimeType = "image/png", Buffer = png.PngsaveBuffer() });
        await page.WaitForSelectorAsync("#toast >> text=drawing.png is not a JPEG photo and was left out");
        Assert.Equal(3, await page.Locator(".upload-item").CountAsync());
    }

    [Fact]
    public async Task ACommentWithScriptInItShowsAsText()
    {
        var keys = await DemoSequenceAsync();
        var page = await app.OpenAsync($"/?pKey={keys[4]}");
        await WebAppFixture.SignInAsync(page, WebAppFixture.Alice);
        await ShownPhotoAsync(page, keys[4]);
        const string text = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\"> nice corner";
        await page.FillAsync("#comment-text", text);
        await page.ClickAsync(".comment-form button[type=submit]");

        var shown = await page.WaitForSelectorAsync(".comment-text");
        Assert.Equal(text, await shown!.InnerTextAsync());
        Assert.Equal(0, await page.EvalOnSelectorAllAsync<int>(".comments script, .comments img", "nodes => nodes.length"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"));
        await page.Locator("#photo-details").ScrollIntoViewIfNeededAsync();
        await WebAppFixture.ScreenshotAsync(page, "comment");
    }

    [Fact]
    public async Task ABlurDrawnByAUserAndApprovedByAnAdministratorChangesTheThumbnail()
    {
        var keys = await DemoSequenceAsync(street: 2);
        var key = keys[5];
        var before = await app.Server.Http.GetByteArrayAsync($"/{key}/thumb-320.jpg");

        var page = await app.OpenAsync($"/?pKey={key}");
        await WebAppFixture.SignInAsync(page, WebAppFixture.Alice);
        await ShownPhotoAsync(page, key);
        await page.ClickAsync(".actions summary");
        await page.ClickAsync("#request-blur");
        var surface = await page.WaitForSelectorAsync(".blur-surface img");
        await page.WaitForFunctionAsync("() => document.querySelector('.blur-surface img').naturalWidth > 0");
        var box = (await surface!.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width * 0.2f, box.Y + box.Height * 0.2f);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width * 0.5f, box.Y + box.Height * 0.45f, new MouseMoveOptions { Steps = 5 });
        await page.Mouse.UpAsync();
        await WebAppFixture.ScreenshotAsync(page, "blur-request");
        await page.ClickAsync("#send-blur");
        await page.WaitForSelectorAsync(".blur-dialog", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
        var blurs = await app.Server.Http.GetFromJsonAsync<JsonElement>($"/v2/im/{key}/b?client_id={app.DemoClientId}");
        Assert.Equal(1, blurs.GetProperty("pbs").GetArrayLength());

        var moderator = await app.OpenAsync("/moderate");
        await WebAppFixture.SignInAsync(moderator, WebAppFixture.Moderator);
        var item = $".queue-item[data-key='{key}']";
        await moderator.WaitForSelectorAsync($"{item} .blur-rect.pending");
        await WebAppFixture.ScreenshotAsync(moderator, "moderate");
        await moderator.ClickAsync($"{item} button.approve");
        await moderator.WaitForSelectorAsync($"{item} >> text=Approved");

        byte[] after = before;
        for (var attempt = 0; attempt < 150 && after.SequenceEqual(before); attempt++)
        {
            await Task.Delay(200);
            after = await app.Server.Http.GetByteArrayAsync($"/{key}/thumb-320.jpg");
        }
        Assert.False(after.SequenceEqual(before), "the thumbnail did not change after the blur was approved");
    }

    [Fact]
    public async Task APrivatePhotoIsInvisibleToAStrangerAndShownToItsOwner()
    {
        var owner = "carol";
        await app.Server.AddUserAsync(owner, WebAppFixture.Password);
        await app.Server.AdminAsync("", "projects", "add", "--key", "survey", "--name", "Site survey", "--owner", owner);
        var token = await app.Server.IssueTokenAsync(owner, app.DemoClientId, "private:upload private:read");
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/v2/me/uploads/images/private-1?client_id={app.DemoClientId}&project=survey")
        {
            Content = new ByteArrayContent(Photo(51.0500, 3.7100, new DateTime(2025, 4, 1, 8, 0, 0, DateTimeKind.Utc), shade: 200)),
        };
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var answer = await (await app.Server.Http.SendAsync(upload)).Content.ReadFromJsonAsync<JsonElement>();
        var key = answer.GetProperty("image_key").GetString()!;
        await WaitForUploadDoneAsync("private-1", token);

        var stranger = await app.OpenAsync($"/?pKey={key}");
        await stranger.WaitForSelectorAsync("#photo-details .error");
        Assert.Contains("does not exist", await stranger.InnerTextAsync("#photo-details"));
        Assert.Null(await stranger.GetAttributeAsync(".photo-pane", "data-photo-key"));

        var member = await app.OpenAsync($"/?pKey={key}");
        await WebAppFixture.SignInAsync(member, owner);
        Assert.Equal(key, await ShownPhotoAsync(member, key));
    }

    [Fact]
    public async Task MyPhotosDeletesAPhotoUploadedElsewhere()
    {
        // Uploaded by another client (an upload tool), so this browser never saw its upload key.
        var owner = "dora";
        await app.Server.AddUserAsync(owner, WebAppFixture.Password);
        var token = await app.Server.IssueTokenAsync(owner, app.DemoClientId, "public:upload");
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/v2/me/uploads/images/from-a-tool?client_id={app.DemoClientId}")
        {
            Content = new ByteArrayContent(Photo(51.0700, 3.7400, new DateTime(2025, 5, 1, 8, 0, 0, DateTimeKind.Utc), shade: 120)),
        };
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var key = (await (await app.Server.Http.SendAsync(upload)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("image_key").GetString()!;
        await WaitForUploadDoneAsync("from-a-tool", token);

        var page = await app.OpenAsync("/me");
        await WebAppFixture.SignInAsync(page, owner);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync(); // "Delete this photo for good?"
        var tile = page.Locator(".photo-grid li").Filter(new LocatorFilterOptions { Has = page.Locator($"a[href*='{key}']") });
        await tile.GetByRole(AriaRole.Button).ClickAsync();
        await tile.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        using var gone = await app.Server.Http.GetAsync($"/v2/im/{key}?client_id={app.DemoClientId}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task MyPhotosMovesASequenceIntoAProjectAndBackToPublic()
    {
        var owner = "erin";
        await app.Server.AddUserAsync(owner, WebAppFixture.Password);
        await app.Server.AdminAsync("", "projects", "add", "--key", "walks", "--name", "Morning walks", "--owner", owner);
        var token = await app.Server.IssueTokenAsync(owner, app.DemoClientId, "public:upload");
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/v2/me/uploads/images/to-move?client_id={app.DemoClientId}")
        {
            Content = new ByteArrayContent(Photo(51.0800, 3.7500, new DateTime(2025, 6, 1, 8, 0, 0, DateTimeKind.Utc), shade: 60)),
        };
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var key = (await (await app.Server.Http.SendAsync(upload)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("image_key").GetString()!;
        await WaitForUploadDoneAsync("to-move", token);
        var sequence = (await app.ImageAsync(key)).GetProperty("sequence_key").GetString()!;
        async Task<int> PublicStatusAsync()
        {
            using var response = await app.Server.Http.GetAsync($"/v2/s/{sequence}?client_id={app.DemoClientId}");
            return (int)response.StatusCode;
        }

        var page = await app.OpenAsync("/me");
        await WebAppFixture.SignInAsync(page, owner);
        var row = page.Locator($"li[data-sequence-key='{sequence}']");
        await row.Locator("select").SelectOptionAsync("walks");
        await WebAppFixture.ScreenshotAsync(page, "me-1024");
        await row.GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync();
        // Public photos are shown: the moved sequence leaves the list, and strangers no longer find it.
        await row.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.Equal(404, await PublicStatusAsync());

        await page.SelectOptionAsync("#me-project", "walks");
        await page.ClickAsync(".me-page form button[type=submit]");
        await row.Locator("select").SelectOptionAsync("");
        await row.GetByRole(AriaRole.Button, new() { Name = "Move" }).ClickAsync();
        await row.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.Equal(200, await PublicStatusAsync());
    }

    [Fact]
    public async Task AnUnknownPageIsTheAppsNotFoundPage()
    {
        var page = await app.Chromium.NewPageAsync();
        page.SetDefaultTimeout(WebAppFixture.BrowserTimeoutMs);
        var response = await page.GotoAsync(app.Url("/no/such/page"));
        Assert.Equal(404, response!.Status);
        Assert.Equal("Page not found", await page.InnerTextAsync("h1"));
        await WebAppFixture.ScreenshotAsync(page, "not-found");
    }

    [Fact]
    public async Task ThePhoneLayoutShowsMapAndPhotoWithoutSidewaysScrolling()
    {
        var keys = await DemoSequenceAsync(street: 1);
        var page = await app.OpenAsync($"/?pKey={keys[2]}", width: 375, height: 740);
        await ShownPhotoAsync(page, keys[2]);
        await MapPixels.WaitForMapAsync(page);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"));
        Assert.True(await page.IsVisibleAsync("#map"));
        await page.WaitForTimeoutAsync(800);
        await WebAppFixture.ScreenshotAsync(page, "photo-375");

        var profile = await app.OpenAsync("/users/demo", width: 375, height: 740);
        await profile.WaitForSelectorAsync(".stats");
        await WebAppFixture.ScreenshotAsync(profile, "profile-375");
    }

    private const int HttpStatusCodeOk = 200;

    private async Task<int> MeStatusAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/me?client_id={await WebAppClientIdAsync()}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (int)(await app.Server.Http.SendAsync(request)).StatusCode;
    }

    private async Task<string> WebAppClientIdAsync()
    {
        var html = await app.Server.Http.GetStringAsync("/");
        var config = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "name=\"sightline-config\" content=\"([^\"]*)\"").Groups[1].Value);
        return JsonDocument.Parse(config).RootElement.GetProperty("clientId").GetString()!;
    }

    private async Task WaitForUploadDoneAsync(string uploadKey, string token)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/me/uploads/images/{uploadKey}?client_id={app.DemoClientId}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var upload = await (await app.Server.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
            if (upload.GetProperty("state").GetString() == "done")
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException("the private photo was not processed");
    }

    // The keys of one demo street's sequence (street 0..3), in order.
    private async Task<string[]> DemoSequenceAsync(int street = 0)
    {
        var found = await app.Server.Http.GetFromJsonAsync<JsonElement>($"/v2/search/s?client_id={app.DemoClientId}&user=demo&limit=10");
        var sequences = found.GetProperty("ss").EnumerateArray().OrderBy(s => s.GetProperty("captured_at").GetInt64()).ToList();
        return sequences[street].GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
    }

    // The key of the photo the viewer shows, once it shows one (or `expected`).
    /// <summary>The map over the demo's streets, drawn, and where a coverage line is on screen (to click it).</summary>
    private async Task<(IPage Page, MapPixels.Reading Line)> GhentWithALineAsync()
    {
        var page = await app.OpenAsync(GhentView);
        await MapPixels.WaitForMapAsync(page);
        var line = await MapPixels.ReadAsync(page);
        Assert.True(line.Count > 0, "no coverage line to click");
        return (page, line);
    }

    private static async Task<string> ShownPhotoAsync(IPage page, string? expected = null)
    {
        var condition = expected is null
            ? "() => document.querySelector('.photo-pane')?.dataset.photoKey"
            : $"() => document.querySelector('.photo-pane')?.dataset.photoKey === '{expected}'";
        await page.WaitForFunctionAsync(condition, null, new PageWaitForFunctionOptions { PollingInterval = 100 });
        return (await page.GetAttributeAsync(".photo-pane", "data-photo-key"))!;
    }

    // Content-security-policy violations the page reports from now on.
    private static async Task<Func<Task<string[]>>> WatchForPolicyViolationsAsync(IPage page)
    {
        await page.AddInitScriptAsync("window.__violations = []; document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));");
        return () => page.EvaluateAsync<string[]>("() => window.__violations");
    }

    private static byte[] Photo(double lat, double lon, DateTime taken, int shade)
    {
        using var pixels = Image.Black(800, 600, bands: 3).Linear([1.0, 1.0, 1.0], [shade, 255 - shade, 128]).Cast(Enums.BandFormat.Uchar);
        return Photos.Geotagged(pixels, lat, lon, taken);
    }
}
