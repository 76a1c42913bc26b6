using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Backends;

/// <summary>
/// Two <c>sightline serve</c> processes, one Redis (issue 10 §3). By default both nodes run on one embedded database
/// (a shared data folder); with <c>SIGHTLINE_TEST_NODES_DATABASE</c> (a <c>Storage:Database</c> value, e.g. a fresh
/// PostgreSQL database) and <c>SIGHTLINE_TEST_BLOBS=s3</c> each node has a data folder of its own and shares only the
/// backends, which is the real multi-node setup.
/// </summary>
public class ProcessNodes : IAsyncLifetime
{
    public const int ApplicationPerMinute = 40;

    public ServerProcess A { get; private set; } = null!;
    public ServerProcess B { get; private set; } = null!;

    /// <summary>True when the nodes share only the backends (no data folder in common).</summary>
    public bool ExternalBackends { get; private set; }

    public string AdminData => A.DataDirectory;

    /// <summary>The settings every node (and every admin command) runs with.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; private set; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__Redis"] = (await RedisPeer.SharedAsync()).Configuration,
            ["Storage__RedisKeyPrefix"] = $"process-nodes-{Guid.NewGuid():N}:",
            ["RateLimit__ApplicationPerMinute"] = ApplicationPerMinute.ToString(CultureInfo.InvariantCulture),
            ["OAuth__Issuer"] = "http://sightline.test/", // one public name for both nodes, as behind a load balancer
        };
        Configure(environment);
        if (System.Environment.GetEnvironmentVariable("SIGHTLINE_TEST_NODES_DATABASE") is { Length: > 0 } database)
        {
            environment["Storage__Database"] = database;
            ExternalBackends = true;
        }
        else if (PostgresPeer.Selected && System.Environment.GetEnvironmentVariable("SIGHTLINE_TEST_BLOBS") == "s3")
        {
            // The real multi-node setup: a PostgreSQL database of the nodes' own (dropped afterwards), objects in S3.
            ownDatabase = $"sightline_nodes_{Guid.NewGuid():N}";
            environment["Storage__Database"] = await PostgresPeer.EnsureDatabaseAsync(ownDatabase);
            ExternalBackends = true;
        }
        if (System.Environment.GetEnvironmentVariable("SIGHTLINE_TEST_BLOBS") == "s3")
        {
            foreach (var (key, value) in (await S3Peer.GetAsync()).Configuration($"process-nodes-{Guid.NewGuid():N}"))
                environment[key.Replace(":", "__")] = value!;
        }
        Environment = environment;
        A = await ServerProcess.StartAsync(environment);
        B = await ServerProcess.StartAsync(environment, dataDirectory: ExternalBackends ? null : A.DataDirectory);
    }

    /// <summary>Settings of a fixture's own on top of the shared ones.</summary>
    protected virtual void Configure(Dictionary<string, string> environment) { }

    /// <summary>Runs an admin command against the nodes' database (through node A's data folder) and returns its JSON.</summary>
    public async Task<JsonElement> AdminAsync(string stdin, params string[] args)
    {
        // In a process of its own with the nodes' settings, as an operator runs it: it reaches whatever backends they use.
        var result = await ServerProcess.RunCommandAsync(Environment, stdin, [.. args, "--data", AdminData, "--json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Output.TrimEnd().Split('\n')[^1]).RootElement.Clone();
    }

    /// <summary>Uploads a 640x480 photo taken as <paramref name="spec"/> says through <paramref name="node"/>; returns its image key.</summary>
    public static async Task<string> UploadAsync(ServerProcess node, string clientId, string token, string uploadKey, PhotoSpec spec)
    {
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"/v2/me/uploads/images/{uploadKey}?client_id={clientId}")
        {
            Content = new ByteArrayContent(Photos.Jpeg(spec with { Width = 640, Height = 480 })),
        };
        upload.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var acknowledged = await node.Http.SendAsync(upload);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        return JsonDocument.Parse(await acknowledged.Content.ReadAsStringAsync()).RootElement.GetProperty("image_key").GetString()!;
    }

    private string? ownDatabase;

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        if (ownDatabase is not null)
            await PostgresPeer.DropDatabaseAsync(ownDatabase);
    }
}

public sealed class TwoNodeProcessTests(ProcessNodes nodes) : IClassFixture<ProcessNodes>
{
    // Guards against a hung node, not assertions about speed.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Asks until <paramref name="done"/> holds, a 429 answers, or the guard runs out, and returns the last status. The
    /// pauses grow from 25 ms to half a second, so a poll that waits long draws about 2 requests a second: the fixture's
    /// 40 a minute (and their refill) last it about half a minute, however slow a loaded machine makes the nodes.
    /// </summary>
    private static async Task<HttpStatusCode> PollAsync(Func<Task<HttpResponseMessage>> ask, Func<HttpStatusCode, bool> done)
    {
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            using var response = await ask();
            if (done(response.StatusCode) || response.StatusCode == HttpStatusCode.TooManyRequests || clock.Elapsed > Guard)
                return response.StatusCode;
            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(500, pause.TotalMilliseconds * 2));
        }
    }

    [Fact]
    public async Task APhotoUploadedThroughOneNodeIsServedByTheOther()
    {
        var (clientId, token) = await UserWithTokenAsync(nodes, "uploads_on_a", "public:upload user:read");
        var key = await ProcessNodes.UploadAsync(nodes.A, clientId, token, "from-a",
            new PhotoSpec { Lat = 48.8584, Lon = 2.2945, Taken = new DateTime(2024, 5, 4, 9, 0, 0), Seed = 7 });

        var status = await PollAsync(() => Authorized(nodes.B, $"/v2/im/{key}?client_id={clientId}", token), s => s == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, status);

        using var thumbnail = await nodes.B.Http.GetAsync($"/{key}/thumb-320.jpg");
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        using (var image = NetVips.Image.NewFromBuffer(await thumbnail.Content.ReadAsByteArrayAsync()))
            Assert.Equal(320, image.Width);

        var close = await Authorized(nodes.B, $"/v2/search/im/close?lat=48.8584&lon=2.2945&distance=100&limit=10&client_id={clientId}", token);
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        var found = JsonDocument.Parse(await close.Content.ReadAsStringAsync()).RootElement.GetProperty("ims").EnumerateArray()
            .Select(i => i.GetProperty("key").GetString()).ToList();
        Assert.Contains(key, found);

        if (nodes.ExternalBackends)
        {
            foreach (var folder in new[] { nodes.A.DataDirectory, nodes.B.DataDirectory })
            {
                Assert.False(File.Exists(Path.Combine(folder, "sightline.db")));
                Assert.False(Directory.Exists(Path.Combine(folder, "originals")));
                Assert.False(Directory.Exists(Path.Combine(folder, "derivatives")));
            }
        }
    }

    [Fact]
    public async Task AClientsQuotaIsGlobalAcrossNodeProcesses()
    {
        var clientId = (await nodes.AdminAsync("", "clients", "add", "--name", "global quota", "--redirect-uri", "https://app.example.org/cb"))
            .GetProperty("client_id").GetString()!;
        var granted = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 60; i++)
        {
            var node = i % 2 == 0 ? nodes.A : nodes.B;
            if ((await node.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode != HttpStatusCode.TooManyRequests)
                granted++;
        }
        // A token bucket refills continuously (40 a minute): what came back while the requests ran may be spent again.
        var refilled = (int)Math.Floor(clock.Elapsed.TotalMinutes * ProcessNodes.ApplicationPerMinute);
        Assert.True(granted <= ProcessNodes.ApplicationPerMinute + refilled, $"{granted} answers were not 429 ({refilled} refilled)");
    }

    [Fact]
    public async Task ATokenRevokedThroughOneNodeIsRefusedByTheOther()
    {
        var client = await nodes.AdminAsync("", "clients", "add", "--name", "revoker", "--redirect-uri", "https://app.example.org/cb");
        var clientId = client.GetProperty("client_id").GetString()!;
        var secret = client.GetProperty("client_secret").GetString()!;
        await nodes.AdminAsync("correct horse battery staple\n", "users", "add", "--username", "revoked_person", "--email", "revoked_person@example.org");
        var token = (await nodes.AdminAsync("", "tokens", "issue", "--user", "revoked_person", "--client", clientId, "--scopes", "user:read"))
            .GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Authorized(nodes.B, $"/v2/me?client_id={clientId}", token)).StatusCode);

        using var revoke = await nodes.A.Http.PostAsync("/v2/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        // Node B sees the commit within its probe interval (50 ms). The application's budget here is 40 a minute (budget
        // first: a spent one answers 429 before the token is judged), so the polls back off instead of spending it.
        var status = await PollAsync(() => Authorized(nodes.B, $"/v2/me?client_id={clientId}", token), s => s != HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task AnAuthorizationCodeIssuedByOneNodeIsExchangedAtTheOther()
    {
        const string password = "correct horse battery staple";
        await nodes.AdminAsync(password + "\n", "users", "add", "--username", "code_carrier", "--email", "code_carrier@example.org");
        var client = await nodes.AdminAsync("", "clients", "add", "--name", "Two Node App", "--redirect-uri", "https://app.example.org/cb");
        var clientId = client.GetProperty("client_id").GetString()!;
        var secret = client.GetProperty("client_secret").GetString()!;

        // Sign-in, consent and the code at node A...
        using var browser = new OAuth.Browser(nodes.A.BaseAddress);
        var (verifier, challenge) = OAuth.Browser.NewPkce();
        var consent = await browser.SignInToConsentAsync(
            $"/connect?client_id={clientId}&response_type=code&redirect_uri={Uri.EscapeDataString("https://app.example.org/cb")}" +
            $"&scope=user%3Aread&state=st-2&code_challenge={challenge}&code_challenge_method=S256", "code_carrier", password);
        var redirect = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" });
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var code = OAuth.Browser.RedirectParameters(redirect)["code"]!;

        // ...exchanged at node B, whose token then works at both.
        using var exchanged = await nodes.B.Http.PostAsync("/v2/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = "https://app.example.org/cb",
            ["code_verifier"] = verifier, ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        var text = await exchanged.Content.ReadAsStringAsync();
        Assert.True(exchanged.StatusCode == HttpStatusCode.OK, text);
        var token = JsonDocument.Parse(text).RootElement.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await Authorized(nodes.A, $"/v2/me?client_id={clientId}", token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Authorized(nodes.B, $"/v2/me?client_id={clientId}", token)).StatusCode);
    }

    [Fact]
    public async Task ASignInCookieFromOneNodeIsAcceptedByTheOther()
    {
        const string password = "correct horse battery staple";
        await nodes.AdminAsync(password + "\n", "users", "add", "--username", "cookie_traveller", "--email", "cookie_traveller@example.org");
        // Node B renders a form first (its antiforgery token needs a key, which it may make), then the person signs in at A.
        using (var atB = new OAuth.Browser(nodes.B.BaseAddress))
            Assert.Equal(HttpStatusCode.OK, (await atB.GetAsync("/signin")).StatusCode);
        using var atA = new OAuth.Browser(nodes.A.BaseAddress);
        await atA.SignInAsync("cookie_traveller", password);
        var cookie = atA.Cookies.GetCookieHeader(nodes.A.BaseAddress);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = nodes.B.BaseAddress };
        using var settings = new HttpRequestMessage(HttpMethod.Get, "/settings");
        settings.Headers.Add("Cookie", cookie);
        using var answer = await http.SendAsync(settings);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // without the session it is a redirect to /signin
        Assert.Contains("cookie_traveller", await answer.Content.ReadAsStringAsync());
    }

    internal static async Task<(string ClientId, string Token)> UserWithTokenAsync(ProcessNodes nodes, string username, string scopes)
    {
        await nodes.AdminAsync("correct horse battery staple\n", "users", "add", "--username", username, "--email", $"{username}@example.org");
        var clientId = (await nodes.AdminAsync("", "clients", "add", "--name", username, "--redirect-uri", "https://app.example.org/cb"))
            .GetProperty("client_id").GetString()!;
        var token = (await nodes.AdminAsync("", "tokens", "issue", "--user", username, "--client", clientId, "--scopes", scopes))
            .GetProperty("token").GetString()!;
        return (clientId, token);
    }

    internal static Task<HttpResponseMessage> Authorized(ServerProcess node, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return node.Http.SendAsync(request);
    }
}

/// <summary>Two nodes whose job leases run out after 5 seconds, so that a dead node's jobs are claimed again soon.</summary>
public sealed class ShortLeaseNodes : ProcessNodes
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Processing__LeaseSeconds"] = "5";
        environment["RateLimit__ApplicationPerMinute"] = "6000";
    }
}

/// <summary>A node killed mid-work loses nothing: the other finishes what it acknowledged (issue 10 §3).</summary>
public sealed class NodeCrashTests(ShortLeaseNodes nodes) : IClassFixture<ShortLeaseNodes>
{
    [Fact]
    public async Task UploadsAcknowledgedByANodeKilledWithSigkillAreAllProcessedByTheOther()
    {
        var (clientId, token) = await TwoNodeProcessTests.UserWithTokenAsync(nodes, "crash_uploader", "public:upload user:read");
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add(await ProcessNodes.UploadAsync(nodes.A, clientId, token, $"crash-{i}",
                new PhotoSpec { Lat = 52.37 + i * 0.0002, Lon = 4.89, Taken = new DateTime(2024, 6, 1, 10, 0, i), Seed = 100 + i }));
        }
        nodes.A.Kill();

        // A guard against a lost job, not an assertion about speed (the issue asks for 60 seconds; the lease is 5).
        var clock = Stopwatch.StartNew();
        var missing = new HashSet<string>(keys);
        while (missing.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            foreach (var key in missing.ToList())
            {
                using var thumbnail = await nodes.B.Http.GetAsync($"/{key}/thumb-320.jpg");
                if (thumbnail.StatusCode == HttpStatusCode.OK
                    && (await TwoNodeProcessTests.Authorized(nodes.B, $"/v2/im/{key}?client_id={clientId}", token)).StatusCode == HttpStatusCode.OK)
                    missing.Remove(key);
            }
            if (missing.Count > 0)
                await Task.Delay(250);
        }
        Assert.Empty(missing);
    }
}

/// <summary>Two nodes that trim the search change log right up to their snapshot: nothing kept for the other node.</summary>
public sealed class TrimmingNodes : ProcessNodes
{
    protected override void Configure(Dictionary<string, string> environment)
    {
        environment["Search__RetainedChanges"] = "0";
        environment["RateLimit__ApplicationPerMinute"] = "6000";
    }
}

/// <summary>
/// A node that stops cleanly trims the search change log; the other node, which applies the log only when it next searches,
/// must still come to see every image (the docs audit: a second server on the same data folder made the first lose 53 photos
/// from search, status, stats, tiles and STAC for good).
/// </summary>
public sealed class TrimmedChangeLogTests(TrimmingNodes nodes) : IClassFixture<TrimmingNodes>
{
    [Fact]
    public async Task APhotoProcessedWhileTheOtherNodeTrimmedTheLogIsFoundByThisOne()
    {
        var (clientId, token) = await TwoNodeProcessTests.UserWithTokenAsync(nodes, "trim_uploader", "public:upload user:read");
        var close = $"/v2/search/im/close?lat=41.3851&lon=2.1734&distance=100&client_id={clientId}";
        Assert.Empty(await KeysAsync(nodes.A, close)); // A's index is loaded and current

        var key = await ProcessNodes.UploadAsync(nodes.B, clientId, token, "trimmed",
            new PhotoSpec { Lat = 41.3851, Lon = 2.1734, Taken = new DateTime(2024, 7, 1, 12, 0, 0), Seed = 41 });

        // Only B is asked until the photo is processed and in B's index; A does not search meanwhile.
        var clock = Stopwatch.StartNew();
        while (!(await KeysAsync(nodes.B, close)).Contains(key) && clock.Elapsed < TimeSpan.FromSeconds(120))
            await Task.Delay(200);
        Assert.Contains(key, await KeysAsync(nodes.B, close));
        await nodes.B.StopAsync(); // saves the snapshot and trims the log behind it

        Assert.Contains(key, await KeysAsync(nodes.A, close));
        using var status = await nodes.A.Http.GetAsync($"/v2/status?client_id={clientId}");
        Assert.True(JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement.GetProperty("images").GetInt64() >= 1);
    }

    private static async Task<List<string?>> KeysAsync(ServerProcess node, string path)
    {
        using var answer = await node.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("ims").EnumerateArray()
            .Select(i => i.GetProperty("key").GetString()).ToList();
    }
}
