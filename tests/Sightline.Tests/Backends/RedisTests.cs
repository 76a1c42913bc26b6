using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Backends;

/// <summary>Two nodes on one database and one Redis (issue 10): budgets and sign-in throttles are counted once for both.</summary>
public sealed class TwoNodes : IAsyncLifetime
{
    public const int ApplicationPerMinute = 40;
    public const int FailuresPerAccount = 3;

    public TestServer A { get; private set; } = null!;
    public TestServer B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Storage:Redis"] = (await RedisPeer.SharedAsync()).Configuration,
            ["Storage:RedisKeyPrefix"] = $"two-nodes-{Guid.NewGuid():N}:", // both nodes one installation
            ["RateLimit:ApplicationPerMinute"] = ApplicationPerMinute.ToString(),
            ["SignIn:FailuresPerAccount"] = FailuresPerAccount.ToString(),
            ["SignIn:FailuresPerAddress"] = "1000",
            ["SignIn:WindowSeconds"] = "3600",
        };
        A = await TestServer.StartAsync(configuration);
        // The second node on the first one's database: the same applications, users and keys.
        B = await TestServer.StartAsync(configuration, dataDirectory: A.DataDirectory);
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}

public sealed partial class RedisTwoNodeTests(TwoNodes nodes) : IClassFixture<TwoNodes>
{
    [Fact]
    public async Task AnApplicationsQuotaIsSharedByBothNodes()
    {
        var (clientId, _) = await nodes.A.AddClientAsync("shared quota");
        var answers = new List<HttpResponseMessage>();
        var clock = Stopwatch.StartNew();
        // Until node B knows the new application (it learns of it from the database), its answers are 401: they count too.
        while (answers.Count < 60)
        {
            var node = answers.Count % 2 == 0 ? nodes.A : nodes.B;
            answers.Add(await node.Http.GetAsync($"/v2/status?client_id={clientId}"));
        }
        var elapsed = clock.Elapsed;

        var granted = answers.Count(a => a.StatusCode != HttpStatusCode.TooManyRequests);
        // A token bucket refills continuously (40 a minute): what came back while the requests ran may be spent again.
        var refilled = (int)Math.Floor(elapsed.TotalMinutes * TwoNodes.ApplicationPerMinute);
        Assert.True(granted <= TwoNodes.ApplicationPerMinute + refilled, $"{granted} answers were not 429 ({refilled} tokens refilled)");
        Assert.True(granted >= TwoNodes.ApplicationPerMinute, $"only {granted} answers were not 429");
        Assert.Contains(answers, a => a.RequestMessage!.RequestUri!.Port == nodes.B.BaseAddress.Port && a.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.Contains(answers, a => a.RequestMessage!.RequestUri!.Port == nodes.A.BaseAddress.Port && a.StatusCode == HttpStatusCode.TooManyRequests);

        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        await ContractAssert.Error(refused, "too_many_requests");
        Assert.Equal("2", refused.Headers.GetValues("Retry-After").Single()); // 40 a minute: one every 1.5 s
        Assert.Equal(0, Remaining(refused));
    }

    [Fact]
    public async Task TheRateLimitHeadersCountTheOtherNodesRequests()
    {
        var (clientId, _) = await nodes.A.AddClientAsync("headers");
        await WaitUntilKnownAsync(nodes.B, clientId);
        var remaining = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            var node = i % 2 == 0 ? nodes.A : nodes.B;
            var answer = await node.Http.GetAsync($"/v2/status?client_id={clientId}");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal($"\"default\";q={TwoNodes.ApplicationPerMinute};w=60", answer.Headers.GetValues("RateLimit-Policy").Single());
            remaining.Add(Remaining(answer));
        }
        // Each answer, from either node, has one request fewer left than the one before (per node, each would count alone).
        for (var i = 1; i < remaining.Count; i++)
            Assert.True(remaining[i] < remaining[i - 1], string.Join(",", remaining));
        Assert.True(remaining[^1] <= TwoNodes.ApplicationPerMinute - 10, string.Join(",", remaining));
    }

    [Fact]
    public async Task FailedSignInsAreCountedAcrossNodes()
    {
        const string password = "correct horse battery staple";
        var username = await nodes.A.AddUserAsync("throttled_everywhere", password);
        using var atA = new OAuth.Browser(nodes.A.BaseAddress);
        using var atB = new OAuth.Browser(nodes.B.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TrySignIn(atA, username, "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TrySignIn(atB, username, "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TrySignIn(atA, username, "wrong")).StatusCode);

        // Three failures in all, none of the nodes saw three: both refuse even the right password.
        var refusedAtB = await TrySignIn(atB, username, password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedAtB.StatusCode);
        Assert.True(int.Parse(refusedAtB.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await TrySignIn(atA, username, password)).StatusCode);
    }

    private static async Task WaitUntilKnownAsync(TestServer node, string clientId)
    {
        // A guard, not an assertion about speed: the node learns of the application from the database's change feed.
        for (var tries = 0; tries < 200; tries++)
        {
            if ((await node.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode == HttpStatusCode.OK)
                return;
            await Task.Delay(50);
        }
        throw new InvalidOperationException("the second node never learned of the application");
    }

    private static async Task<HttpResponseMessage> TrySignIn(OAuth.Browser browser, string username, string password)
    {
        var page = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
        return await browser.SubmitAsync(page, new Dictionary<string, string> { ["username"] = username, ["password"] = password });
    }

    internal static int Remaining(HttpResponseMessage response)
    {
        var match = RateLimitPattern().Match(response.Headers.GetValues("RateLimit").Single());
        Assert.True(match.Success);
        return int.Parse(match.Groups[1].Value);
    }

    [GeneratedRegex("^\"default\";r=(\\d+);t=(\\d+)$")]
    private static partial Regex RateLimitPattern();
}

/// <summary>Redis lost while the server runs, and Redis not there at start (issue 10 §2).</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task LosingRedisAnswers500WithTheContractBodyAndTheServerRecoversWhenItReturns()
    {
        await using var redis = await RedisPeer.StartAsync();
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Storage:Redis"] = redis.Configuration });
        var (clientId, _) = await server.AddClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/readyz")).StatusCode);

        redis.Stop();
        var broken = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
        var message = await ContractAssert.Error(broken, "mapillary_internal_server_error");
        ContractAssert.AssertNothingLeaks(message);
        var notReady = await ContractAssert.Error(await server.Http.GetAsync("/readyz"), "mapillary_internal_server_error");
        Assert.Contains("redis", notReady);
        Assert.DoesNotContain(redis.Port.ToString(), notReady);

        await redis.RestartAsync();
        // A guard, not an assertion about speed: the client reconnects by itself in the background.
        HttpStatusCode status;
        var tries = 0;
        do
        {
            await Task.Delay(100);
            status = (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode;
        } while (status != HttpStatusCode.OK && ++tries < 300);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task AnUnreachableRedisAtStartIsOneLineNamingTheSettingAndANonZeroExit()
    {
        var port = RedisPeer.FreePort(); // nothing listens there
        var (exit, error) = await ServerProcess.RunToExitAsync(new Dictionary<string, string> { ["Storage__Redis"] = $"127.0.0.1:{port}" });
        Assert.NotEqual(0, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith($"cannot reach Redis at 127.0.0.1:{port} (Storage:Redis): connection refused", line.TrimEnd());
        Assert.DoesNotContain("   at ", error);
    }
}
