using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.RateLimiting;

/// <summary>Token buckets per application, per token and per address (issue 2 §5, CONTRACT.md §5).</summary>
public sealed class RateLimitTests
{
    private static Task<TestServer> Start(string key, int perMinute) =>
        TestServer.StartAsync(new Dictionary<string, string?> { [$"RateLimit:{key}"] = perMinute.ToString() });

    [Fact]
    public async Task ApplicationGets429AfterItsQuotaWithRetryAfter()
    {
        await using var server = await Start("ApplicationPerMinute", 5);
        var (clientId, _) = await server.AddClientAsync();
        for (var i = 0; i < 5; i++)
        {
            var ok = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("\"default\";q=5;w=60", ok.Headers.GetValues("RateLimit-Policy").Single());
            Assert.Equal(4 - i, Remaining(ok));
        }
        var refused = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
        var message = await ContractAssert.Error(refused, "too_many_requests");
        Assert.Contains("retry", message, StringComparison.OrdinalIgnoreCase);
        var retryAfter = refused.Headers.GetValues("Retry-After").Single();
        Assert.Matches("^[1-9][0-9]*$", retryAfter);
        Assert.Equal("12", retryAfter); // 5 a minute refill one request every 12 s
        Assert.Equal(0, Remaining(refused));
        Assert.True(refused.Headers.Contains("RateLimit-Policy"));
    }

    [Fact]
    public async Task TheWebAppsCallsDrawOnEachVisitorsBudgetsNotOnOneApplicationBudget()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimit:ApplicationPerMinute"] = "2", ["RateLimit:AnonymousPerMinute"] = "4", ["RateLimit:TokenPerMinute"] = "3",
        });
        var webApp = await server.Services.GetRequiredService<Sightline.WebApp.WebAppClient>().ClientIdAsync(CancellationToken.None);
        // Anonymous visitors: the address's budget (4), not the application's (2).
        for (var i = 0; i < 4; i++)
        {
            using var ok = await server.Http.GetAsync($"/v2/status?client_id={webApp}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.False(ok.Headers.Contains("RateLimit-Policy")); // no application budget is spent
        }
        using (var refused = await server.Http.GetAsync($"/v2/status?client_id={webApp}"))
        {
            await ContractAssert.Error(refused, "too_many_requests");
            Assert.Equal("15", refused.Headers.GetValues("Retry-After").Single()); // 4 a minute: the address's refill
        }

        // A signed-in person: their token's budget (3), whatever the address has left.
        await server.AddUserAsync("visitor");
        var token = await server.IssueTokenAsync("visitor", webApp, "user:read");
        for (var i = 0; i <= 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/me?client_id={webApp}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await server.Http.SendAsync(request);
            if (i < 3)
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            else
                Assert.Equal("20", answer.Headers.GetValues("Retry-After").Single()); // 3 a minute
        }

        // Any other application keeps its one budget.
        var (other, _) = await server.AddClientAsync("other");
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={other}")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await server.Http.GetAsync($"/v2/status?client_id={other}")).StatusCode);
    }

    [Fact]
    public async Task BudgetRecoversAfterRetryAfter()
    {
        await using var server = await Start("ApplicationPerMinute", 60); // one request a second
        var (clientId, _) = await server.AddClientAsync();
        HttpResponseMessage last;
        var sent = 0;
        do
        {
            last = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
            sent++;
        } while (last.StatusCode == HttpStatusCode.OK && sent < 500);
        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        var wait = int.Parse(last.Headers.GetValues("Retry-After").Single());
        await Task.Delay(TimeSpan.FromSeconds(wait) + TimeSpan.FromMilliseconds(300));
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode);
    }

    [Fact]
    public async Task OneApplicationOverItsLimitNeverSlowsAnother()
    {
        await using var server = await Start("ApplicationPerMinute", 3);
        var (busy, _) = await server.AddClientAsync("busy");
        var (quiet, _) = await server.AddClientAsync("quiet");
        for (var i = 0; i < 10; i++)
            await server.Http.GetAsync($"/v2/status?client_id={busy}");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await server.Http.GetAsync($"/v2/status?client_id={busy}")).StatusCode);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={quiet}")).StatusCode);
    }

    [Fact]
    public async Task EachTokenHasItsOwnBudget()
    {
        await using var server = await Start("TokenPerMinute", 3);
        var (_, clientId, first) = await server.AddUserWithTokenAsync("first", "user:read");
        await server.AddUserAsync("second");
        var second = await server.IssueTokenAsync("second", clientId, "user:read");
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await Me(server, clientId, first)).StatusCode);
        await ContractAssert.Error(await Me(server, clientId, first), "too_many_requests");
        Assert.Equal(HttpStatusCode.OK, (await Me(server, clientId, second)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode);
    }

    [Fact]
    public async Task ARefusedRequestSpendsNeitherBudget()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimit:ApplicationPerMinute"] = "10", ["RateLimit:TokenPerMinute"] = "3",
        });
        var (_, clientId, retrying) = await server.AddUserWithTokenAsync("retrying", "user:read");
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await Me(server, clientId, retrying)).StatusCode);
        // One person retrying past their own budget: refused, and the shared application's budget is not drained by it.
        for (var i = 0; i < 20; i++)
            await ContractAssert.Error(await Me(server, clientId, retrying), "too_many_requests");
        await server.AddUserAsync("other");
        var other = await server.IssueTokenAsync("other", clientId, "user:read");
        var answer = await Me(server, clientId, other);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        // 10 less the three granted and this one (more if the bucket refilled meanwhile: one every 6 s); the 20 refusals
        // would have left it empty.
        Assert.True(Remaining(answer) >= 6, $"remaining {Remaining(answer)}");
    }

    [Fact]
    public async Task RequestsWithoutValidClientShareTheAddressBudget()
    {
        await using var server = await Start("AnonymousPerMinute", 4);
        var (clientId, _) = await server.AddClientAsync();
        await server.Http.GetAsync("/v2/status");
        await server.Http.GetAsync("/nothing/here");
        await server.Http.GetAsync("/v2/status?client_id=AAAAAAAAAAAAAAAAAAAAAA");
        await server.Http.GetAsync("/v2/me?client_id=guess");
        var refused = await server.Http.GetAsync("/v2/status?client_id=BBBBBBBBBBBBBBBBBBBBBB");
        await ContractAssert.Error(refused, "too_many_requests");
        Assert.True(refused.Headers.Contains("Retry-After"));
        // A registered application has its own budget, untouched by the probing.
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode);
    }

    [Fact]
    public async Task ACorsPreflightIsAnswered200OverBudgetAndSpendsNothing()
    {
        // CONTRACT.md §1: a preflight is answered 200. A browser reads nothing of a refused preflight (not even a 429's
        // Retry-After): the request it clears is the one to refuse, with the CORS headers a page needs to read why.
        await using var server = await Start("ApplicationPerMinute", 3);
        var (clientId, _) = await server.AddClientAsync();
        HttpRequestMessage Preflight(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, path);
            request.Headers.Add("Origin", "https://viewer.example.net");
            request.Headers.Add("Access-Control-Request-Method", "GET");
            request.Headers.Add("Access-Control-Request-Headers", "authorization");
            return request;
        }
        for (var i = 0; i < 5; i++)
        {
            var preflight = await server.Http.SendAsync(Preflight($"/v2/status?client_id={clientId}"));
            Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
            Assert.Equal(3, Remaining(preflight)); // read, not spent
        }
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode);

        var over = await server.Http.SendAsync(Preflight($"/v2/search/im?client_id={clientId}"));
        Assert.Equal(HttpStatusCode.OK, over.StatusCode);
        Assert.Equal("*", over.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(0, Remaining(over));
        foreach (var path in new[] { "/api/search", "/tiles/14/8354/5468.mvt", "/v2/status" })
            Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(Preflight(path))).StatusCode);

        var refused = new HttpRequestMessage(HttpMethod.Get, $"/v2/search/im?client_id={clientId}");
        refused.Headers.Add("Origin", "https://viewer.example.net");
        var answer = await server.Http.SendAsync(refused);
        await ContractAssert.Error(answer, "too_many_requests");
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Retry-After", answer.Headers.GetValues("Access-Control-Expose-Headers").Single());
    }

    private static int Remaining(HttpResponseMessage response)
    {
        var header = response.Headers.GetValues("RateLimit").Single();
        var match = Regex.Match(header, "^\"default\";r=(\\d+);t=(\\d+)$");
        Assert.True(match.Success, header);
        return int.Parse(match.Groups[1].Value);
    }

    private static Task<HttpResponseMessage> Me(TestServer server, string clientId, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/me?client_id={clientId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Http.SendAsync(request);
    }
}
