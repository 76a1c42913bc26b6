using System.Text.Json;
using Microsoft.Playwright;
using NetVips;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Stac;

/// <summary>
/// The Panoramax web viewer (npm @panoramax/web-viewer, pinned in tests/stac-clients), unchanged, in Debian's chromium,
/// pointed at /api on the demo streets: it starts without blocking errors, draws the sequences, opens a photo that is
/// clicked on its map and moves on to the next one. Nothing leaves the machine: every other address is refused.
/// </summary>
[Collection(StacArchiveCollection.Name)]
public sealed class PanoramaxViewerTests(StacArchive archive)
{
    private const string PagePath = "panoramax-test/";

    // A page hosting the viewer as its own viewer.html does (a deferred script, so the element upgrades with its attributes
    // set), with an empty base style of its own: the viewer's default base map is on the internet, and the API's style
    // brings an offline one.
    private string Page() => $$"""
        <!doctype html><html><head><meta charset="utf-8"><title>Panoramax viewer on Sightline</title>
        <link rel="stylesheet" href="index.css"><script defer src="index.js"></script>
        <style>html, body { margin: 0; height: 100%; } #viewer { position: fixed; inset: 0; }</style></head>
        <body><pnx-viewer id="viewer" endpoint="{{archive.Api.AbsoluteUri}}" lang="en"
          map-style="{{archive.Server.BaseAddress.AbsoluteUri}}{{PagePath}}base-style.json"></pnx-viewer>
        <script>
          window.__ready = false;
          document.getElementById('viewer').addEventListener('ready', () => window.__ready = true);
        </script></body></html>
        """;

    [Fact]
    public async Task TheViewerDrawsTheSequencesOpensAClickedPhotoAndMovesToTheNext()
    {
        var tools = await NodeTools.DirectoryAsync();
        var build = Path.Combine(tools, "node_modules", "@panoramax", "web-viewer", "build");
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync(1280, 800);
        var console = new List<string>();
        var refused = new List<string>();
        page.Console += (_, message) => { lock (console) console.Add($"{message.Type}: {message.Text}"); };
        page.RequestFailed += (_, request) => { lock (console) console.Add($"request failed: {request.Method} {request.Url} {request.Failure}"); };
        var origin = archive.Server.BaseAddress.AbsoluteUri;
        await page.RouteAsync("**/*", async route =>
        {
            var url = route.Request.Url;
            if (url.StartsWith(origin + PagePath, StringComparison.Ordinal))
            {
                var name = new Uri(url).AbsolutePath[(new Uri(origin).AbsolutePath.Length + PagePath.Length)..];
                if (name == "base-style.json")
                {
                    await route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = """{"version":8,"sources":{},"layers":[]}""" });
                    return;
                }
                if (name is "" or "index.html")
                {
                    await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = Page() });
                    return;
                }
                var file = Path.GetFullPath(Path.Combine(build, name));
                if (file.StartsWith(build, StringComparison.Ordinal) && File.Exists(file))
                {
                    await route.FulfillAsync(new() { Status = 200, Path = file, ContentType = ContentType(file) });
                    return;
                }
                await route.FulfillAsync(new() { Status = 404 });
            }
            else if (url.StartsWith(origin, StringComparison.Ordinal) || url.StartsWith("data:") || url.StartsWith("blob:"))
            {
                await route.ContinueAsync();
            }
            else
            {
                lock (refused) refused.Add(url);
                await route.AbortAsync();
            }
        });

        await page.GotoAsync(origin + PagePath);
        await WaitAsync(page, "window.__ready === true", "the viewer to finish loading", console);
        Assert.DoesNotContain(Snapshot(console), m => m.Contains("API doesn't offer", StringComparison.Ordinal) && m.StartsWith("error"));
        Assert.Equal(0, await page.EvaluateAsync<int>("document.querySelector('pnx-viewer').api.getUnavailableFeatures().filter(f => f !== 'rss').length"));

        // Over the demo streets at street zoom: the sequences are drawn in the viewer's orange.
        var demo = await archive.GetJsonAsync("/api/search?datetime=2024-05-04T09:00:00Z");
        var start = demo.GetProperty("features")[0];
        var coordinates = start.GetProperty("geometry").GetProperty("coordinates");
        var (lon, lat) = (coordinates[0].GetDouble(), coordinates[1].GetDouble());
        await page.EvaluateAsync($"(() => {{ document.querySelector('pnx-viewer').map.jumpTo({{ center: [{Js(lon)}, {Js(lat + 0.0002)}], zoom: 18 }}); }})()");
        await WaitAsync(page, "(() => { const m = document.querySelector('pnx-viewer').map; return m.loaded() && m.areTilesLoaded() && " +
            "m.queryRenderedFeatures({ layers: ['geovisio_pictures'] }).length > 0; })()", "the pictures to be drawn", console);
        await page.WaitForTimeoutAsync(500); // a last frame after the tiles are in
        var mapShot = Path.Combine(Chromium.ScreenshotDirectory, "panoramax-viewer-map.png");
        await page.ScreenshotAsync(new() { Path = mapShot });
        Assert.True(OrangePixels(mapShot) > 200, $"the sequences are not drawn: see {mapShot}");

        // Click the first photo of the Korenmarkt walk where the viewer draws it.
        var point = await page.EvaluateAsync<JsonElement>($$"""
            (() => {
              const m = document.querySelector('pnx-viewer').map;
              const f = m.queryRenderedFeatures({ layers: ['geovisio_pictures'] }).find(f => f.properties.id === '{{start.GetProperty("id").GetString()}}');
              if (!f) return null;
              const p = m.project(f.geometry.coordinates);
              const r = m.getCanvas().getBoundingClientRect();
              return { x: r.left + p.x, y: r.top + p.y };
            })()
            """);
        Assert.Equal(JsonValueKind.Object, point.ValueKind);
        await page.Mouse.ClickAsync((float)point.GetProperty("x").GetDouble(), (float)point.GetProperty("y").GetDouble());
        var opened = start.GetProperty("id").GetString()!;
        await WaitAsync(page, $"document.querySelector('pnx-viewer').psv.getPictureMetadata()?.id === '{opened}'", $"photo {opened} to open", console);

        // Its next photo, as the item's next link names it.
        var sequence = start.GetProperty("collection").GetString()!;
        var item = await archive.GetJsonAsync($"/api/collections/{sequence}/items/{opened}");
        var next = item.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "next").GetProperty("id").GetString()!;
        await page.WaitForTimeoutAsync(1000);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotDirectory, "panoramax-viewer-photo.png") });
        await page.EvaluateAsync("(() => { document.querySelector('pnx-viewer').psv.goToNextPicture(); })()");
        await WaitAsync(page, $"document.querySelector('pnx-viewer').psv.getPictureMetadata()?.id === '{next}'", $"the next photo {next} to open", console);
        await page.WaitForTimeoutAsync(1000);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ScreenshotDirectory, "panoramax-viewer-next.png") });

        // The viewer asked for nothing this server does not serve (its internet speed probe and geocoder aside, refused here).
        Assert.DoesNotContain(Snapshot(console), m => m.StartsWith("error") && m.Contains(origin + "api", StringComparison.Ordinal));
    }

    // The page's console events keep arriving on Playwright's thread while a test reads the list.
    private static List<string> Snapshot(List<string> console)
    {
        lock (console) return [.. console];
    }

    private static async Task WaitAsync(IPage page, string expression, string what, List<string> console)
    {
        try
        {
            await page.WaitForFunctionAsync(expression, null, new() { Timeout = 90_000, PollingInterval = 200 });
        }
        catch (TimeoutException)
        {
            var shot = Path.Combine(Chromium.ScreenshotDirectory, "panoramax-viewer-timeout.png");
            await page.ScreenshotAsync(new() { Path = shot });
            string log;
            lock (console) log = string.Join("\n", console);
            Assert.Fail($"waited in vain for {what} (screenshot {shot}); console:\n{log}");
        }
    }

    // Pixels close to the viewer's sequence colour, #FF6F00.
    private static int OrangePixels(string png)
    {
        using var image = Image.NewFromFile(png);
        using var red = image[0];
        using var green = image[1];
        using var blue = image[2];
        using var mask = (red > 220) & (green > 80) & (green < 150) & (blue < 60); // 255 where the colour matches
        return (int)Math.Round(mask.Avg() / 255 * mask.Width * mask.Height);
    }

    private static string Js(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".js" => "text/javascript",
        ".css" => "text/css",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".jpg" => "image/jpeg",
        ".json" => "application/json",
        ".woff2" => "font/woff2",
        _ => "application/octet-stream",
    };
}
