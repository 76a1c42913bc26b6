using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Api;

/// <summary>The foundation's endpoints answer with the spec's shapes (spec §3.5-3.7, §5 items 1, 49).</summary>
public sealed class FoundationEndpointTests : IAsyncLifetime
{
    private TestServer server = null!;
    private string clientId = null!;
    private string token = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        (_, clientId, token) = await server.AddUserWithTokenAsync("rbike", "user:read");
        await server.AddUserAsync("rbiker77");
        await server.AddUserAsync("RBOB");
        await server.AddUserAsync("maria_k");
        await server.AddUserAsync("r_b");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task StatusIsTheAcknowledgementWithVersionAndCounts()
    {
        var json = await GetJson($"/v2/status?client_id={clientId}");
        Assert.Equal("ok", json.GetProperty("code").GetString());
        Assert.Equal("request performed", json.GetProperty("message").GetString());
        Assert.Equal(200, json.GetProperty("status").GetInt32());
        Assert.Matches(@"^\d+\.\d+\.\d+", json.GetProperty("version").GetString());
        Assert.Equal(5, json.GetProperty("users").GetInt64());
    }

    [Fact]
    public async Task StatusAnswersAtTheOriginalDocumentationsPathToo()
    {
        // The original's authentication examples (a.mapillary.com) call /v2/status/api, with and without a token.
        var json = await GetJson($"/v2/status/api?client_id={clientId}", token);
        Assert.Equal("ok", json.GetProperty("code").GetString());
        Assert.Equal(200, json.GetProperty("status").GetInt32());
        Assert.Equal(5, json.GetProperty("users").GetInt64());
        using var anonymous = await server.Http.GetAsync("/v2/status/api");
        await ContractAssert.Error(anonymous, "client_id_missing");
    }

    [Fact]
    public async Task MeShowsEmailOnlyWithUserEmailScope()
    {
        var me = await GetJson($"/v2/me?client_id={clientId}", token);
        Assert.Equal("rbike", me.GetProperty("username").GetString());
        Assert.Equal(22, me.GetProperty("user_uuid").GetString()!.Length);
        Assert.True(me.GetProperty("member_since").GetInt64() > 1_600_000_000_000);
        Assert.True(me.TryGetProperty("about", out _));
        Assert.True(me.TryGetProperty("avatar", out _));
        Assert.False(me.TryGetProperty("email", out _));

        var withEmail = await server.IssueTokenAsync("rbike", clientId, "user:read user:email");
        var full = await GetJson($"/v2/me?client_id={clientId}", withEmail);
        Assert.Equal("rbike@example.org", full.GetProperty("email").GetString());
    }

    [Fact]
    public async Task ProfileHasZeroStatisticsBeforeAnyImage()
    {
        var profile = await GetJson($"/v2/u/rbike?client_id={clientId}");
        Assert.Equal("rbike", profile.GetProperty("user").GetString());
        Assert.Equal(22, profile.GetProperty("user_uuid").GetString()!.Length);
        foreach (var field in new[] { "distance_all", "images_none_processed", "images_hidden", "images_all" })
            Assert.Equal(0, profile.GetProperty(field).GetInt64());
        Assert.Equal(JsonValueKind.Array, profile.GetProperty("histogram").ValueKind);
        Assert.False(profile.TryGetProperty("email", out _));
    }

    [Fact]
    public async Task ProfileLookupIgnoresCase()
    {
        var profile = await GetJson($"/v2/u/MARIA_K?client_id={clientId}");
        Assert.Equal("maria_k", profile.GetProperty("user").GetString());
    }

    [Fact]
    public async Task UserSearchIsCaseInsensitivePrefixAlphabetical()
    {
        var json = await GetJson($"/v2/search/u?client_id={clientId}&match=Rb");
        var names = json.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("username").GetString()!).ToArray();
        Assert.Equal(["rbike", "rbiker77", "RBOB"], names);
    }

    [Fact]
    public async Task UserSearchTreatsLikeWildcardsLiterally()
    {
        var json = await GetJson($"/v2/search/u?client_id={clientId}&match=r_");
        var names = json.GetProperty("matches").EnumerateArray().Select(m => m.GetProperty("username").GetString()!).ToArray();
        Assert.Equal(["r_b"], names);
        var none = await GetJson($"/v2/search/u?client_id={clientId}&match=%25");
        Assert.Empty(none.GetProperty("matches").EnumerateArray());
    }

    [Fact]
    public async Task UserSearchHonoursLimit()
    {
        var json = await GetJson($"/v2/search/u?client_id={clientId}&match=r&limit=2");
        Assert.Equal(2, json.GetProperty("matches").GetArrayLength());
    }

    [Fact]
    public async Task OpenApiDocumentNamesEveryRoute()
    {
        var response = await server.Http.GetAsync("/openapi/v2.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/v2/status", "/v2/me", "/v2/u/{user}", "/v2/search/u" })
        {
            var operation = paths.GetProperty(path).GetProperty("get");
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("operationId").GetString()));
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
        }
    }

    [Fact]
    public async Task AnotherOpenApiDocumentNameIsTheContractsNotFound()
    {
        // The framework's handler for /openapi/{name}.json answered an unknown name with its own text/plain 404.
        await ContractAssert.Error(await server.Http.GetAsync("/openapi/v1.json"), "not_found");
    }

    private async Task<JsonElement> GetJson(string path, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
