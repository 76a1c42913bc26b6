using System.Text.Json;
using Microsoft.Playwright;

namespace Sightline.Tests.WebApp;

// The finishing touches a demanding user asked for (audit of the web app): the server's own pages look like the app, the
// API's documents are linked, filters live in the address, and error toasts speak plainly.
public sealed partial class WebAppBrowserTests
{
    [Fact]
    public async Task TheSignInPageLooksLikeTheAppOnAPhoneAndShowsItsErrorAboveTheForm()
    {
        var page = await app.Chromium.NewPageAsync(390, 844);
        page.SetDefaultTimeout(WebAppFixture.BrowserTimeoutMs);
        var violations = await WatchForPolicyViolationsAsync(page);
        await page.GotoAsync(app.Url("/signin"));

        // The app's top bar, colours and font (the style is allowed by the page's policy: unstyled, the bar is transparent).
        Assert.Equal("rgb(20, 32, 43)", await page.EvalOnSelectorAsync<string>("header.topbar", "e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("/", await page.GetAttributeAsync("header.topbar a.brand", "href"));
        Assert.Equal("Sightline", (await page.InnerTextAsync("header.topbar a.brand")).Trim());
        Assert.StartsWith("system-ui", await page.EvalOnSelectorAsync<string>("body", "e => getComputedStyle(e).fontFamily"));
        Assert.Equal("rgb(10, 125, 59)", await page.EvalOnSelectorAsync<string>("button[type=submit]", "e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("Username", await page.InnerTextAsync("label[for=username]"));
        Assert.Equal("Password", await page.InnerTextAsync("label[for=password]"));
        // Readable on a phone: the viewport is the device's, nothing scrolls sideways, the fields fill the column.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= innerWidth"), "the sign-in page scrolls sideways on a phone");
        Assert.True(await page.EvalOnSelectorAsync<double>("#username", "e => e.getBoundingClientRect().width") > 300, "the username field is narrow on a phone");

        await page.FillAsync("#username", "nobody-at-all");
        await page.FillAsync("#password", "not the password");
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("main .error >> text=Wrong username or password.");
        Assert.Equal("rgb(180, 35, 24)", await page.EvalOnSelectorAsync<string>(".error", "e => getComputedStyle(e).color"));
        var gap = await page.EvaluateAsync<double>("() => document.querySelector('form').getBoundingClientRect().top - document.querySelector('.error').getBoundingClientRect().bottom");
        Assert.InRange(gap, 0, 40);
        await WebAppFixture.ScreenshotAsync(page, "signin-phone");

        // The server's error pages have the same look and a way back.
        var refused = await page.GotoAsync(app.Url("/connect"));
        Assert.Equal(400, refused!.Status);
        Assert.Equal("rgb(20, 32, 43)", await page.EvalOnSelectorAsync<string>("header.topbar", "e => getComputedStyle(e).backgroundColor"));
        Assert.True(await page.IsVisibleAsync("main .error"));
        Assert.True(await page.IsVisibleAsync("main a[href='/']"));
        Assert.Empty(await violations());
    }

    [Fact]
    public async Task TheTopBarLinksToTheApiDocumentsAndApplicationRegistrationTheServerServes()
    {
        var page = await app.OpenAsync("/?lat=51.05440&lon=3.72090&z=15");
        await page.ClickAsync("#devlinks summary");
        await page.WaitForSelectorAsync("#devlinks ul", new() { State = WaitForSelectorState.Visible });
        var links = await page.EvalOnSelectorAllAsync<string[]>("#devlinks a", "links => links.map(a => a.getAttribute('href'))");
        Assert.Equal(["/openapi/v2.json", "/api", "/openapi/stac.json", "/settings/applications", "/settings"], links);
        // Each is a page or document of this server (the registration and settings pages ask to sign in first).
        foreach (var link in links)
        {
            var answer = await page.APIRequest.GetAsync(app.Url(link));
            Assert.True(answer.Status == 200, $"{link} answered {answer.Status}");
        }
        Assert.Contains("\"openapi\"", await (await page.APIRequest.GetAsync(app.Url("/openapi/v2.json"))).TextAsync());

        // A menu: Escape closes it and gives the focus back to its button.
        await page.FocusAsync("#devlinks a");
        await page.Keyboard.PressAsync("Escape");
        await page.WaitForSelectorAsync("#devlinks ul", new() { State = WaitForSelectorState.Hidden });
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement === document.querySelector('#devlinks summary')"));
    }

    [Fact]
    public async Task FiltersAreKeptInTheAddressAndASharedLinkOpensTheMapFilteredTheSameWay()
    {
        // Zoom 15: lines only, so every pixel of the coverage colour is a line's.
        const string view = "/?lat=51.05440&lon=3.72090&z=15";
        var page = await app.OpenAsync(view);
        await MapPixels.WaitForMapAsync(page);
        var all = (await MapPixels.ReadAsync(page)).Count;
        Assert.True(all > 100, $"only {all} line pixels without filters");

        // Applying filters writes them into the address, replacing it (no history entry per change).
        var entries = await page.EvaluateAsync<int>("() => history.length");
        await page.ClickAsync(".filter-toggle");
        await page.FillAsync("#filters input[name=user]", "demo");
        await page.FillAsync("#filters input[name=from]", "2024-05-05");
        await page.FillAsync("#filters input[name=to]", "2024-05-05");
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForFunctionAsync("() => new URLSearchParams(location.search).get('to') === '2024-05-05'");
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        Assert.Equal("demo", query["user"]);
        Assert.Equal("2024-05-05", query["from"]);
        Assert.NotNull(query["lat"]);
        Assert.Equal(entries, await page.EvaluateAsync<int>("() => history.length"));

        // The shared address: the fields show the filters, and the map draws only the lines they leave (the one street
        // photographed on 5 May 2024 of the demo's four).
        var shared = await app.OpenAsync(new Uri(page.Url).PathAndQuery);
        await shared.WaitForFunctionAsync("() => window.sightlineMap?.getLayer('coverage-lines') && window.sightlineMap.getFilter('coverage-lines') !== null");
        Assert.Equal("demo", await shared.InputValueAsync("#filters input[name=user]"));
        Assert.Equal("2024-05-05", await shared.InputValueAsync("#filters input[name=from]"));
        Assert.Equal("2024-05-05", await shared.InputValueAsync("#filters input[name=to]"));
        await MapPixels.WaitForMapAsync(shared);
        var filtered = (await MapPixels.ReadAsync(shared)).Count;
        Assert.True(filtered > 0 && filtered < all * 0.6, $"{filtered} line pixels of {all} with the shared filters");

        // Points (zoom 16 and more) are asked for with the same filters.
        var points = shared.WaitForRequestAsync(r => r.Url.Contains("/v2/search/im?", StringComparison.Ordinal));
        await shared.EvaluateAsync("() => { window.sightlineMap.jumpTo({ zoom: 17 }); }");
        var asked = System.Web.HttpUtility.ParseQueryString(new Uri((await points).Url).Query);
        Assert.Equal("demo", asked["user"]);
        Assert.NotNull(asked["start_time"]);
        Assert.NotNull(asked["end_time"]);
    }

    [Fact]
    public async Task AnErrorToastSaysInPlainWordsWhatTheApiRefusedAndKeepsItsCode()
    {
        var keys = await DemoSequenceAsync(street: 1);
        var page = await app.OpenAsync($"/?pKey={keys[5]}");
        await WebAppFixture.SignInAsync(page, WebAppFixture.Bob);
        await ShownPhotoAsync(page, keys[5]);
        // The field stops at 2000 characters; past its limit (a script, an old browser) the API refuses the comment.
        await page.WaitForSelectorAsync("#comment-text");
        await page.EvalOnSelectorAsync("#comment-text", "e => e.removeAttribute('maxlength')");
        await page.FillAsync("#comment-text", new string('a', 2001));
        await page.ClickAsync(".comment-form button[type=submit]");

        var toast = await page.WaitForSelectorAsync("#toast .toast.error");
        Assert.Equal("Your comment must be 1 to 2000 characters long.", (await toast!.InnerTextAsync()).Trim());
        Assert.Equal("parameter_invalid", await toast.GetAttributeAsync("data-code"));
        Assert.Equal("parameter_invalid: cm must be 1 to 2000 characters long.", await toast.GetAttributeAsync("title"));
    }
}
