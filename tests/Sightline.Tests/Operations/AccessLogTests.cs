using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Operations;

/// <summary>The opt-in access log (issue 13): one line per request, with route template, status, client and user, and no secret.</summary>
public sealed class AccessLogTests
{
    [Fact]
    public async Task OneLinePerRequestWithTheRouteTemplateAndNoToken()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Logging:AccessLog"] = "true" });
        var (_, clientId, token) = await server.AddUserWithTokenAsync("logged_user", "user:read");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/u/logged_user?client_id={clientId}&access_token={token}");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        var lines = server.Logs.Entries.Select(e => e.Message).Where(m => m.StartsWith("GET /v2/u/{", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        Assert.Contains(" 200 ", line);
        Assert.Contains($"client_id={clientId}", line);
        Assert.Contains("user=", line);
        Assert.DoesNotContain("user=-", line);
        Assert.Contains($"bytes={body.Length}", line);
        Assert.DoesNotContain("logged_user", line); // the route template, not the URL
        Assert.DoesNotContain(server.Logs.Entries, e => e.Message.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACorsPreflightIsLoggedWithTheStatusTheClientReceivedAndStatusWithoutATrailingSlash()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Logging:AccessLog"] = "true" });
        var (clientId, _) = await server.AddClientAsync();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"/v2/status?client_id={clientId}");
        preflight.Headers.Add("Origin", "https://x.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var response = await server.Http.SendAsync(preflight);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).Dispose();

        var messages = server.Logs.Entries.Select(e => e.Message).ToList();
        var options = Assert.Single(messages, m => m.StartsWith("OPTIONS ", StringComparison.Ordinal));
        Assert.Contains(" 200 ", options);
        Assert.Contains(messages, m => m.StartsWith("GET /v2/status 200 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OffByDefault()
    {
        await using var server = await TestServer.StartAsync();
        (await server.Http.GetAsync("/v2/status")).Dispose();
        Assert.DoesNotContain(server.Logs.Entries, e => e.Message.StartsWith("GET /v2/status", StringComparison.Ordinal));
    }
}
