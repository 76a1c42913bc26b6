using System.Net;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Stac;

/// <summary>/api needs no client_id and draws on the address's budget (CONTRACT.md §4), like the image files and tiles.</summary>
public sealed class StacBudgetTests
{
    [Fact]
    public async Task ApiCallsWithoutClientIdSpendTheAddressBudgetAndAnswer429WithRetryAfter()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["RateLimit:AnonymousPerMinute"] = "3" });
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/api")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/api/search")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/api/map/0/0/0.mvt")).StatusCode);
        using var refused = await server.Http.GetAsync("/api/collections");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("too_many_requests", body.GetProperty("code").GetString());
        Assert.Equal(["code", "message"], body.EnumerateObject().Select(p => p.Name)); // exactly the contract's body (CONTRACT.md §2)
        // The same address's other anonymous calls share that budget.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await server.Http.GetAsync("/tiles/0/0/0.mapbox")).StatusCode);
    }
}
