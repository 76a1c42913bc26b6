using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.WebApp;

/// <summary>How the server serves the web app: pages, cached hashed files, a strict CSP, and the browser's 404 page.</summary>
public sealed class WebAppServingTests(WebAppServingTests.ServerFixture fixture) : IClassFixture<WebAppServingTests.ServerFixture>
{
    public sealed class ServerFixture : IAsyncLifetime
    {
        public TestServer Server { get; private set; } = null!;
        public async Task InitializeAsync() => Server = await TestServer.StartAsync();
        public async Task DisposeAsync() => await Server.DisposeAsync();
    }

    private HttpClient Http => fixture.Server.Http;

    [Theory]
    [InlineData("/")]
    [InlineData("/upload")]
    [InlineData("/photos/k3Jd9aQpZ0xW1vB7nT4e2A")]
    [InlineData("/users/maria_k")]
    public async Task AppRoutesAnswerTheIndexWithoutClientIdAndWithAStrictPolicy(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("script-src 'self';", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.DoesNotContain("http", policy); // nothing external without a configured basemap
        var html = await response.Content.ReadAsStringAsync();
        // The page's script is the small first one, which draws Explore's first lines and then evaluates the app's.
        Assert.Matches("<script type=\"module\" src=\"/assets/first-lines-[A-Z0-9]+\\.js\"></script>", html);
        Assert.Matches("<link rel=\"modulepreload\" href=\"/assets/app-[A-Z0-9]+\\.js\" data-app>", html);
        Assert.Matches("&quot;clientId&quot;:&quot;[A-Za-z0-9_-]{22}&quot;", html);
    }

    [Theory]
    // A permalink at zoom 15 over Ghent: the two zoom-14 tiles under its centre's box (the centre is near their edge).
    [InlineData("/?lat=51.0544&lon=3.7209&z=15", "/tiles/14/8361/5480.mapbox /tiles/14/8361/5481.mapbox")]
    // Without z, street zoom (16): zoom-14 tiles of 2,048 pixels, the centre 119 pixels below an edge.
    [InlineData("/?lat=51.0544&lon=3.7209", "/tiles/14/8361/5480.mapbox /tiles/14/8361/5481.mapbox")]
    // No position: the default view over the world (zoom 1.6), all four zoom-1 tiles.
    [InlineData("/", "/tiles/1/0/0.mapbox /tiles/1/1/0.mapbox /tiles/1/0/1.mapbox /tiles/1/1/1.mapbox")]
    // A position out of range: the default view, as the app reads the address.
    [InlineData("/?lat=91&lon=0&z=3", "/tiles/1/0/0.mapbox /tiles/1/1/0.mapbox /tiles/1/0/1.mapbox /tiles/1/1/1.mapbox")]
    // Across the antimeridian (the tiles east of it wrap to x 0) and the equator.
    [InlineData("/?lat=0.5&lon=179.99&z=3", "/tiles/3/7/3.mapbox /tiles/3/0/3.mapbox /tiles/3/7/4.mapbox /tiles/3/0/4.mapbox")]
    // A photo's address (the app draws no preview), and the app's other pages: none.
    [InlineData("/?lat=51.0544&lon=3.7209&z=15&pKey=k3Jd9aQpZ0xW1vB7nT4e2A", "")]
    [InlineData("/upload", "")]
    [InlineData("/users/maria_k?lat=51&lon=3", "")]
    public async Task ExploresPageNamesTheCoverageTilesAtItsViewsCentreAsPreloads(string path, string tiles)
    {
        var html = await Http.GetStringAsync(path);
        var preloads = Regex.Matches(html, "<link rel=\"preload\" as=\"fetch\" crossorigin href=\"([^\"]+)\" fetchpriority=\"high\">")
            .Select(m => m.Groups[1].Value);
        Assert.Equal(tiles, string.Join(' ', preloads));
        Assert.DoesNotContain("sightline:first-view-preloads", html);
    }

    [Fact]
    public async Task HashedFilesAreCachedForAYearAndCompressed()
    {
        var html = await Http.GetStringAsync("/");
        var script = Regex.Match(html, "href=\"(/assets/app-[A-Z0-9]+\\.js)\"").Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, script);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.ETag);

        using var missing = await Http.GetAsync("/assets/app-NOTBUILT.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        await ContractAssert.Error(missing, "not_found");
    }

    [Fact]
    public async Task AnUnknownPathIsAnHtmlPageForBrowsersAndJsonForEveryoneElse()
    {
        using var browser = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        using var page = await Http.SendAsync(browser);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);

        using var curl = new HttpRequestMessage(HttpMethod.Get, "/no/such/page");
        curl.Headers.Accept.ParseAdd("*/*");
        using var json = await Http.SendAsync(curl);
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        await ContractAssert.Error(json, "not_found");

        // The API families keep the contract's JSON even for a browser.
        foreach (var path in new[] { "/v2/no-such-api", "/api/no-such-thing" })
        {
            using var api = new HttpRequestMessage(HttpMethod.Get, path);
            api.Headers.Accept.ParseAdd("text/html");
            using var answer = await Http.SendAsync(api);
            Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
            Assert.Equal("application/json", answer.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task TheWebAppIsAPublicClientRegisteredWithItsCallback()
    {
        var html = await Http.GetStringAsync("/");
        var clientId = Regex.Match(html, "&quot;clientId&quot;:&quot;([A-Za-z0-9_-]{22})&quot;").Groups[1].Value;
        var callback = new Uri(fixture.Server.BaseAddress, "/signin/callback").AbsoluteUri;
        // The app's own sign-in link: /connect accepts the client and its redirect URI (it then asks the person to sign in).
        using var connect = await Http.GetAsync($"/connect?client_id={clientId}&redirect_uri={Uri.EscapeDataString(callback)}" +
            "&response_type=code&scope=user:read&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        // (The test's client follows the redirect to the sign-in page.)
        Assert.Equal(HttpStatusCode.OK, connect.StatusCode);
        Assert.Contains("/signin", connect.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("id=\"username\"", await connect.Content.ReadAsStringAsync());
        // Another host's callback is not registered.
        using var foreign = await Http.GetAsync($"/connect?client_id={clientId}&redirect_uri={Uri.EscapeDataString("https://evil.example/signin/callback")}" +
            "&response_type=code&scope=user:read&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256");
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
    }

    [Fact]
    public async Task SigningInToTheWebAppAsksNoConsentButEveryOtherClientStillDoes()
    {
        const string password = "correct horse battery staple";
        var username = await fixture.Server.AddUserAsync("consenter", password);
        var html = await Http.GetStringAsync("/");
        var webApp = Regex.Match(html, "&quot;clientId&quot;:&quot;([A-Za-z0-9_-]{22})&quot;").Groups[1].Value;
        var callback = new Uri(fixture.Server.BaseAddress, "/signin/callback").AbsoluteUri;
        var (_, challenge) = OAuth.Browser.NewPkce();
        string Authorize(string clientId, string redirect) =>
            $"/connect?client_id={clientId}&redirect_uri={Uri.EscapeDataString(redirect)}&response_type=code&scope=user:read&state=s1" +
            $"&code_challenge={challenge}&code_challenge_method=S256";

        using var browser = new OAuth.Browser(fixture.Server.BaseAddress);
        await browser.SignInAsync(username, password);
        // Signed in, the app's own request goes straight back to its callback with a code.
        using var app = await browser.GetAsync(Authorize(webApp, callback));
        Assert.Equal(HttpStatusCode.Redirect, app.StatusCode);
        Assert.StartsWith(callback + "?", app.Headers.Location!.AbsoluteUri);
        var answer = OAuth.Browser.RedirectParameters(app);
        Assert.Equal("s1", answer["state"]);
        Assert.False(string.IsNullOrEmpty(answer["code"]));

        // A third-party client, same person, same session: the consent page.
        var (other, _) = await fixture.Server.AddClientAsync("Third Party Viewer", "https://viewer.example.org/cb");
        using var consent = await browser.GetAsync(Authorize(other, "https://viewer.example.org/cb"));
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var page = await consent.Content.ReadAsStringAsync();
        Assert.Contains("Third Party Viewer", page);
        Assert.Contains("name=\"decision\" value=\"allow\"", page);
    }
}
