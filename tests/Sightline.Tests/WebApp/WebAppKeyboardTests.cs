using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Sightline.Tests.WebApp;

// The web app by keyboard and on a slow network (audit of the web app, items 3 and 7).
public sealed partial class WebAppBrowserTests
{
    [Fact]
    public async Task TheViewersLabelledTabStopTakesTheArrowKeys()
    {
        var keys = await DemoSequenceAsync(street: 3);
        var page = await app.OpenAsync($"/?pKey={keys[1]}");
        await ShownPhotoAsync(page, keys[1]);

        // Backwards from the pane's first button: the first stop named as the viewer. Its keys are the viewer's.
        // The button is disabled until the photo's sequence is known, and a disabled button takes no focus (the focus
        // stayed on the page and Shift+Tab went back from its end).
        await page.WaitForSelectorAsync("#photo-prev:enabled");
        await page.FocusAsync("#photo-prev");
        for (var i = 0; i < 4 && !await FocusedOnTheViewerAsync(page); i++)
            await page.Keyboard.PressAsync("Shift+Tab");
        Assert.True(await FocusedOnTheViewerAsync(page), "no tab stop named as the photo viewer before its buttons");
        Assert.Equal(1, await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('#viewer, #viewer *')].filter(e => e.tabIndex >= 0 && e.getClientRects().length).length"));

        await page.Keyboard.PressAsync("Alt+ArrowUp");
        Assert.Equal(keys[2], await ShownPhotoAsync(page, keys[2]));
        await page.WaitForFunctionAsync($"() => location.search.includes('pKey={keys[2]}')");
        await page.Keyboard.PressAsync("Alt+ArrowDown");
        Assert.Equal(keys[1], await ShownPhotoAsync(page, keys[1]));
        Assert.True(await FocusedOnTheViewerAsync(page), "the viewer lost the focus");
    }

    [Fact]
    public async Task EnterOnTheMapFocusedByTabOpensThePhotoNearestItsCentre()
    {
        var page = await app.OpenAsync(GhentView);
        await MapPixels.WaitForMapAsync(page);
        const string onTheMap = "() => document.activeElement === window.sightlineMap.getCanvas()";
        for (var i = 0; i < 25 && !await page.EvaluateAsync<bool>(onTheMap); i++)
            await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<bool>(onTheMap), "Tab does not reach the map");
        // Said to a screen reader and shown on screen while it has the focus.
        Assert.Contains("Enter opens the photo nearest its centre", await page.EvalOnSelectorAsync<string>(".maplibregl-canvas", "c => c.getAttribute('aria-label')"));
        Assert.True(await page.IsVisibleAsync("#map-key-hint"), "no hint on screen while the map has the keyboard's focus");
        Assert.Contains("Enter opens the photo nearest the centre", await page.InnerTextAsync("#map-key-hint"));

        var centre = await page.EvaluateAsync<JsonElement>("() => window.sightlineMap.getCenter()");
        var nearest = await app.Server.Http.GetFromJsonAsync<JsonElement>(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"/v2/search/im/close?client_id={app.DemoClientId}&lat={centre.GetProperty("lat").GetDouble()}&lon={centre.GetProperty("lng").GetDouble()}&distance=5000&limit=1"));
        var expected = nearest.GetProperty("ims")[0].GetProperty("key").GetString()!;

        await page.Keyboard.PressAsync("Enter");
        Assert.Equal(expected, await ShownPhotoAsync(page, expected));
        await page.WaitForFunctionAsync($"() => new URLSearchParams(location.search).get('pKey') === '{expected}'");
        // The map keeps the focus (Enter again opens the photo then nearest); the hint goes with the focus.
        await page.Keyboard.PressAsync("Tab");
        await page.WaitForSelectorAsync("#map-key-hint", new() { State = WaitForSelectorState.Hidden });
    }

    [Fact]
    public async Task AFilteredLinksPreviewDrawsOnlyTheLinesTheFiltersLeave()
    {
        // The one street of the demo's four photographed on 5 May 2024; zoom 15: lines only.
        var page = await app.Chromium.NewPageAsync();
        page.SetDefaultTimeout(WebAppFixture.BrowserTimeoutMs);
        await page.AddInitScriptAsync(KeepThePreviewsCanvas);
        await page.GotoAsync(app.Url("/?lat=51.05440&lon=3.72090&z=15&from=2024-05-05&to=2024-05-05&user=DEMO"));
        await page.WaitForFunctionAsync("() => performance.getEntriesByName('sightline:preview-lines-drawn').length > 0");
        await MapPixels.WaitForMapAsync(page);
        await page.WaitForFunctionAsync("() => !document.querySelector('.coverage-preview')", null, new() { PollingInterval = 100 });

        // Unfiltered, the preview drew all four streets where the map draws one.
        await AssertThePreviewMatchesTheMapAsync(page, minimumPixels: 20);
        var all = await app.OpenAsync("/?lat=51.05440&lon=3.72090&z=15");
        await MapPixels.WaitForMapAsync(all);
        var filtered = (await MapPixels.ReadAsync(page)).Count;
        var unfiltered = (await MapPixels.ReadAsync(all)).Count;
        Assert.True(filtered > 0 && filtered < unfiltered * 0.6, $"{filtered} line pixels of {unfiltered} with the link's filters");
    }

    [Theory]
    [InlineData("/?lat=51.05440&lon=3.72090&z=15")] // the preview's sign, from the page's first script
    [InlineData("/?pKey=")] // a photo's address: no preview, the map's own sign
    public async Task OnASlowNetworkTheMapSaysItIsLoadingUntilItsLinesCome(string address)
    {
        if (address.EndsWith('='))
            address += (await DemoSequenceAsync(street: 2))[3];
        var page = await app.Chromium.NewPageAsync();
        page.SetDefaultTimeout(WebAppFixture.BrowserTimeoutMs);
        // Every tile, those preloaded with the page too, 2.5 s late.
        await page.RouteAsync(url => new Uri(url).AbsolutePath.StartsWith("/tiles/", StringComparison.Ordinal), async route =>
        {
            await Task.Delay(2500);
            await route.ContinueAsync();
        });
        await page.GotoAsync(app.Url(address));

        var sign = page.Locator(".map-loading");
        await sign.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.Equal("Loading map…", await sign.InnerTextAsync());
        Assert.Equal("status", await sign.GetAttributeAsync("role"));
        await WebAppFixture.ScreenshotAsync(page, "map-loading");
        await sign.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await MapPixels.WaitForMapAsync(page);
        Assert.True((await MapPixels.ReadAsync(page)).Count > 0, "no lines once the sign went");
        Assert.Equal(0, await page.Locator(".map-loading").CountAsync());
    }

    private static Task<bool> FocusedOnTheViewerAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.activeElement?.getAttribute('aria-label')?.startsWith('Photo viewer') === true");
}
