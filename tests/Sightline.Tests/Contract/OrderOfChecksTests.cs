using System.Net.Http.Headers;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Contract;

/// <summary>The first failing check answers, in CONTRACT.md §4's order: budget, route, client, token, scope, parameters, object.</summary>
public sealed class OrderOfChecksTests : IAsyncLifetime
{
    private TestServer server = null!;
    private string clientId = null!;
    private string token = null!;
    private string otherToken = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        (_, clientId, token) = await server.AddUserWithTokenAsync("order_user", "public:upload");
        (_, _, otherToken) = await server.AddUserWithTokenAsync("other_user", "user:read");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public Task UnknownRouteBeatsMissingClientId() => Expect("/v2/unknown", null, "not_found");

    [Fact]
    public Task UnknownRouteBeatsBadToken() => Expect("/v2/unknown?client_id=x", "garbage", "not_found");

    [Fact]
    public Task MissingClientIdBeatsBadToken() => Expect("/v2/me", "garbage", "client_id_missing");

    [Fact]
    public Task InvalidClientIdBeatsBadToken() => Expect("/v2/me?client_id=AAAAAAAAAAAAAAAAAAAAAA", "garbage", "client_id_invalid");

    [Fact]
    public Task MissingClientIdBeatsMissingParameter() => Expect("/v2/search/u", null, "client_id_missing");

    [Fact]
    public Task BadTokenBeatsMissingParameter() => Expect($"/v2/search/u?client_id={clientId}", "garbage", "user_not_authenticated");

    [Fact]
    public Task DifferingTokenBeatsMissingScope() => Expect($"/v2/me?client_id={clientId}", otherToken, "client_id_differ");

    [Fact]
    public Task MissingScopeBeatsBadParameter() => Expect($"/v2/me?client_id={clientId}&limit=-1", token, "user_not_authenticated");

    [Fact]
    public Task MissingParameterBeatsInvalidParameter() => Expect($"/v2/search/u?client_id={clientId}&limit=zero", null, "parameter_missing");

    [Fact]
    public Task InvalidParameterBeatsUnknownObject() => Expect($"/v2/u/x?client_id={clientId}", null, "parameter_invalid");

    [Fact]
    public async Task SpentBudgetBeatsEverything()
    {
        await using var tight = await TestServer.StartAsync(new Dictionary<string, string?> { ["RateLimit:AnonymousPerMinute"] = "2" });
        for (var i = 0; i < 2; i++)
            await tight.Http.GetAsync("/v2/status");
        foreach (var path in new[] { "/v2/unknown", "/v2/me", "/v2/status?client_id=AAAAAAAAAAAAAAAAAAAAAA" })
            await ContractAssert.Error(await tight.Http.GetAsync(path), "too_many_requests");
    }

    private async Task Expect(string path, string? bearer, string code)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        await ContractAssert.Error(await server.Http.SendAsync(request), code);
    }
}
