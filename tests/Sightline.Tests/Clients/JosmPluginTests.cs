using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sightline.Tests.Clients;

/// <summary>
/// The JOSM Mapillary plugin (JOSM/Mapillary, 2015-2017): its sign-in through a listener on localhost that reads the
/// token from the HTTP request line, and the v2 calls of its download threads and account code, as it sent them.
/// </summary>
[Collection(V2ClientsCollection.Name)]
public sealed partial class JosmPluginTests(V2ClientsServer fixture)
{
    // OAuthPortListener: each line of the request, wrapped in '&', is matched against this; the first match wins.
    [GeneratedRegex("^.*&access_token=([^&]+)&.*$")]
    private static partial Regex TokenOnLine();

    [Fact]
    public async Task LegacyQueryApplicationLogsInThroughTheLocalListener()
    {
        var (listener, redirect) = Listen();
        var application = await fixture.Server.AdminAsync("", "clients", "add", "--name", "JOSM", "--redirect-uri", redirect,
            "--public", "--legacy-implicit-query");
        var token = await SignInThroughListenerAsync(listener, application.GetProperty("client_id").GetString()!, redirect);
        Assert.NotNull(token);

        // MapillaryUser: GET me and me/uploads/secrets with "Authorization: Bearer <token>", reading username, images_hash, images_policy.
        var clientId = application.GetProperty("client_id").GetString()!;
        var me = await fixture.GetJsonAsync($"/v2/me?client_id={clientId}", "Bearer " + token);
        Assert.Equal(V2ClientsServer.Person, me.GetProperty("username").GetString());
        var secrets = await fixture.GetJsonAsync($"/v2/me/uploads/secrets?client_id={clientId}", "Bearer " + token);
        Assert.False(string.IsNullOrEmpty(secrets.GetProperty("images_hash").GetString()));
        Assert.False(string.IsNullOrEmpty(secrets.GetProperty("images_policy").GetString()));
    }

    [Theory]
    [InlineData("allow")]
    [InlineData("deny")]
    public async Task ALegacyQueryApplicationGetsStateAndErrorsInTheQueryToo(string decision)
    {
        const string redirect = "http://localhost:8763/";
        var application = await fixture.Server.AdminAsync("", "clients", "add", "--name", "Legacy " + decision, "--redirect-uri", redirect,
            "--public", "--legacy-implicit-query");
        using var browser = new OAuth.Browser(fixture.Server.BaseAddress);
        var connect = $"/connect?client_id={application.GetProperty("client_id").GetString()}&redirect_uri={WebUtility.UrlEncode(redirect)}" +
                      "&response_type=token&scope=user%3Aread&state=xyz%2042";
        var consent = await browser.SignInToConsentAsync(connect, V2ClientsServer.Person, V2ClientsServer.Password);
        var answer = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = decision });
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var location = answer.Headers.Location!;
        Assert.Equal("", location.Fragment);
        var query = System.Web.HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("xyz 42", query["state"]);
        if (decision == "allow")
            Assert.Matches(TokenOnLine(), "&" + location.Query.TrimStart('?') + "&");
        else
            Assert.Equal("access_denied", query["error"]);
    }

    [Fact]
    public async Task AnOrdinaryImplicitApplicationKeepsTheTokenInTheFragmentWhichTheListenerNeverSees()
    {
        var (listener, redirect) = Listen();
        var application = await fixture.Server.AdminAsync("", "clients", "add", "--name", "JOSM fragment", "--redirect-uri", redirect,
            "--public", "--allow-implicit");
        Assert.Null(await SignInThroughListenerAsync(listener, application.GetProperty("client_id").GetString()!, redirect));
    }

    [Fact]
    public async Task DownloadThreadsReadImagesSequencesAndSigns()
    {
        // MapillaryURL: "?client_id=" first, the bounds as "%f" in Locale.UK (six decimals, a point), then page and limit.
        var (minLat, minLon, maxLat, maxLon) = V2ClientsServer.Ghent;
        var bounds = string.Format(CultureInfo.InvariantCulture, "&min_lat={0:F6}&max_lat={1:F6}&min_lon={2:F6}&max_lon={3:F6}", minLat, maxLat, minLon, maxLon);

        var images = await fixture.GetJsonAsync($"/v2/search/im?client_id={fixture.ClientId}{bounds}&page=0&limit=20");
        Assert.False(images.GetProperty("more").GetBoolean());
        Assert.All(images.GetProperty("ims").EnumerateArray(), image =>
        {
            Assert.Equal(JsonValueKind.String, image.GetProperty("key").ValueKind);
            Assert.Equal("demo", image.GetProperty("user").GetString());
            Assert.True(image.GetProperty("captured_at").GetInt64() > 0);
        });

        var sequences = await fixture.GetJsonAsync($"/v2/search/s?client_id={fixture.ClientId}{bounds}&page=0&limit=10");
        Assert.False(sequences.GetProperty("more").GetBoolean());
        Assert.Equal(4, sequences.GetProperty("ss").GetArrayLength());
        foreach (var sequence in sequences.GetProperty("ss").EnumerateArray())
        {
            var cas = sequence.GetProperty("cas");
            // It indexes coords[j] and keys[j] for every j of cas: a shorter list is "Mapillary bug" and drops the page.
            Assert.Equal(cas.GetArrayLength(), sequence.GetProperty("coords").GetArrayLength());
            Assert.Equal(cas.GetArrayLength(), sequence.GetProperty("keys").GetArrayLength());
            var first = sequence.GetProperty("coords")[0];
            Assert.InRange(first[1].GetDouble(), minLat, maxLat); // [lon, lat]
            Assert.InRange(first[0].GetDouble(), minLon, maxLon);
            Assert.Equal(JsonValueKind.String, sequence.GetProperty("key").ValueKind);
            Assert.True(sequence.GetProperty("captured_at").GetInt64() > 0);
        }

        var signs = await fixture.GetJsonAsync($"/v2/search/im/or?client_id={fixture.ClientId}{bounds}&page=0&limit=20");
        Assert.False(signs.GetProperty("more").GetBoolean());
        var types = signs.GetProperty("ims").EnumerateArray()
            .SelectMany(image => image.GetProperty("rects").EnumerateArray().Select(r => (image.GetProperty("key").GetString(), r.GetProperty("type").GetString())))
            .ToList();
        Assert.Contains((fixture.SignedImage, "prohibitory--no-overtaking--ru"), types);
        Assert.Contains((fixture.DangerImage, "danger--children--de"), types);

        foreach (var selector in new[] { "/b", "/cm" })
        {
            var selected = await fixture.GetJsonAsync($"/v2/search/im{selector}?client_id={fixture.ClientId}{bounds}&page=0&limit=20");
            Assert.Equal(JsonValueKind.False, selected.GetProperty("more").ValueKind);
            Assert.Equal(JsonValueKind.Array, selected.GetProperty("ims").ValueKind);
        }
    }

    [Fact]
    public async Task ALimitOfAHundredThousandMeaningAllIsServedRatherThanRefused()
    {
        var json = await fixture.GetJsonAsync($"/v2/search/s?client_id={fixture.ClientId}&limit=100000&page=0");
        Assert.Equal(4, json.GetProperty("ss").GetArrayLength());
        Assert.False(json.GetProperty("more").GetBoolean());
    }

    [Theory]
    [InlineData("/v2/search/im/?client_id={0}")]
    [InlineData("/v2/search/im/or/?client_id={0}")]
    [InlineData("/v2/search/s/?client_id={0}")]
    public async Task PathsOf2015WithATrailingSlashAnswerAsWithout(string template)
    {
        var json = await fixture.GetJsonAsync(string.Format(CultureInfo.InvariantCulture, template, fixture.ClientId) + "&page=0&limit=20");
        Assert.Equal(JsonValueKind.False, json.GetProperty("more").ValueKind);
    }

    private static (TcpListener Listener, string RedirectUri) Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return (listener, $"http://localhost:{((IPEndPoint)listener.LocalEndpoint).Port}/");
    }

    /// <summary>Signs in with JOSM's connect URL, sends the browser to the redirect, and returns what the listener found.</summary>
    private async Task<string?> SignInThroughListenerAsync(TcpListener listener, string clientId, string redirectUri)
    {
        using var browser = new OAuth.Browser(fixture.Server.BaseAddress);
        // MapillaryURL.connectURL: URLEncoder form encoding, so the scope's spaces are '+'.
        var connect = $"/connect?client_id={clientId}&redirect_uri={WebUtility.UrlEncode(redirectUri)}&response_type=token" +
                      "&scope=user%3Aread+public%3Aupload+public%3Awrite";
        var consent = await browser.SignInToConsentAsync(connect, V2ClientsServer.Person, V2ClientsServer.Password);
        var redirect = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" });
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith(redirectUri, redirect.Headers.Location!.AbsoluteUri);

        var accepted = listener.AcceptTcpClientAsync();
        // A browser sends no fragment; HttpClient does the same.
        using var follow = new HttpClient();
        var sent = follow.GetAsync(redirect.Headers.Location);
        using var connection = await accepted;
        listener.Stop();
        using var reader = new StreamReader(connection.GetStream(), Encoding.UTF8);
        string? token = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (TokenOnLine().Match('&' + line + '&') is { Success: true } match)
            {
                token = match.Groups[1].Value;
                break;
            }
            if (line.Contains("keep-alive") || line.Length == 0)
                break;
        }
        var body = "Login successful, return to JOSM.";
        var answer = Encoding.UTF8.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n{body}");
        await connection.GetStream().WriteAsync(answer);
        (await sent).Dispose();
        return token;
    }
}
