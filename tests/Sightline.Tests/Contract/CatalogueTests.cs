using System.Net;
using System.Net.Http.Headers;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Contract;

/// <summary>Every catalogue row produced by the real server over HTTP (CONTRACT.md §3).</summary>
public sealed class CatalogueTests : IAsyncLifetime
{
    private TestServer server = null!;
    private string clientId = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        (clientId, _) = await server.AddClientAsync();
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task MissingClientIdIsClientIdMissing()
    {
        var message = await ContractAssert.Error(await server.Http.GetAsync("/v2/status"), "client_id_missing");
        Assert.Contains("client_id", message);
    }

    [Fact]
    public async Task EmptyClientIdIsClientIdMissing() =>
        await ContractAssert.Error(await server.Http.GetAsync("/v2/status?client_id="), "client_id_missing");

    [Fact]
    public async Task UnknownClientIdIsClientIdInvalid()
    {
        var message = await ContractAssert.Error(await server.Http.GetAsync("/v2/status?client_id=AAAAAAAAAAAAAAAAAAAAAA"), "client_id_invalid");
        Assert.Contains("client_id", message);
    }

    [Fact]
    public async Task DisabledApplicationIsClientIdInvalid()
    {
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode);
        await server.AdminAsync("", "clients", "disable", clientId);
        await ContractAssert.Error(await server.Http.GetAsync($"/v2/status?client_id={clientId}"), "client_id_invalid");
    }

    [Fact]
    public async Task TokenOfAnotherApplicationIsClientIdDiffer()
    {
        var (_, otherClient, token) = await server.AddUserWithTokenAsync("differ_user", "user:read");
        Assert.NotEqual(otherClient, clientId);
        var message = await ContractAssert.Error(await Get($"/v2/me?client_id={clientId}", token), "client_id_differ");
        Assert.Contains("client_id", message);
    }

    [Fact]
    public async Task NoTokenOnUserCallIsUserNotAuthenticatedNamingTheScope()
    {
        var message = await ContractAssert.Error(await server.Http.GetAsync($"/v2/me?client_id={clientId}"), "user_not_authenticated");
        Assert.Contains("user:read", message);
        Assert.Contains("Bearer", message); // what to send
    }

    [Fact]
    public async Task TokenWithoutTheScopeIsUserNotAuthenticatedNamingTheScope()
    {
        await server.AddUserAsync("scopeless");
        var token = await server.IssueTokenAsync("scopeless", clientId, "public:upload");
        var message = await ContractAssert.Error(await Get($"/v2/me?client_id={clientId}", token), "user_not_authenticated");
        Assert.Equal("The token lacks the user:read scope this call needs.", message);
        // The same words where a handler finds the scope missing (a project search needs private:read).
        message = await ContractAssert.Error(await Get($"/v2/search/im?client_id={clientId}&project=survey", token), "user_not_authenticated");
        Assert.Equal("The token lacks the private:read scope this call needs.", message);
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not a token")]
    [InlineData("Bearer unknownunknownunknownunknownunknownunknownun")]
    [InlineData("token abc")]
    public async Task MalformedOrUnknownAuthorizationIsUserNotAuthenticated(string header)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/status?client_id={clientId}");
        request.Headers.TryAddWithoutValidation("Authorization", header);
        var message = await ContractAssert.Error(await server.Http.SendAsync(request), "user_not_authenticated");
        Assert.Contains("Bearer", message);
    }

    [Fact]
    public async Task RevokedTokenIsUserNotAuthenticated()
    {
        await server.AddUserAsync("revoked_user");
        var token = await server.IssueTokenAsync("revoked_user", clientId, "user:read");
        Assert.Equal(HttpStatusCode.OK, (await Get($"/v2/me?client_id={clientId}", token)).StatusCode);
        await server.AdminAsync("", "tokens", "revoke", token);
        await ContractAssert.Error(await Get($"/v2/me?client_id={clientId}", token), "user_not_authenticated");
    }

    [Fact]
    public async Task MissingMatchIsParameterMissingNamingIt()
    {
        var message = await ContractAssert.Error(await server.Http.GetAsync($"/v2/search/u?client_id={clientId}"), "parameter_missing");
        Assert.Contains("match", message);
        message = await ContractAssert.Error(await server.Http.GetAsync($"/v2/search/u?client_id={clientId}&match="), "parameter_missing");
        Assert.Contains("match", message);
    }

    [Theory]
    [InlineData("match=ab&limit=0", "limit")]
    [InlineData("match=ab&limit=1.5", "limit")]
    [InlineData("match=ab&limit=ten", "limit")]
    [InlineData("match=ab&limit=NaN", "limit")]
    [InlineData("match=ab&limit=-99999999999999999999", "limit")]
    public async Task BadParameterIsParameterInvalidNamingIt(string query, string parameter)
    {
        var message = await ContractAssert.Error(await server.Http.GetAsync($"/v2/search/u?client_id={clientId}&{query}"), "parameter_invalid");
        Assert.Contains(parameter, message);
    }

    [Fact]
    public async Task OverlongMatchIsParameterInvalid()
    {
        var message = await ContractAssert.Error(
            await server.Http.GetAsync($"/v2/search/u?client_id={clientId}&match={new string('a', 65)}"), "parameter_invalid");
        Assert.Contains("match", message);
    }

    [Fact]
    public async Task UnknownUserIsNotFound()
    {
        var message = await ContractAssert.Error(await server.Http.GetAsync($"/v2/u/nobody_here?client_id={clientId}"), "not_found");
        Assert.Contains("nobody_here", message);
    }

    [Theory]
    [InlineData("GET", "/v3/status")]
    [InlineData("GET", "/v2/nothing")]
    [InlineData("GET", "/nothing-here")] // outside /v2 without an Accept that prefers HTML: JSON (CONTRACT.md §1)
    [InlineData("DELETE", "/v2/status")]
    [InlineData("POST", "/v2/me")]
    [InlineData("PUT", "/v2/me")]
    [InlineData("PATCH", "/v2/search/u")]
    [InlineData("BREW", "/v2/status")]
    public async Task UnknownRouteOrMethodIsNotFound(string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), $"{path}?client_id={clientId}");
        await ContractAssert.Error(await server.Http.SendAsync(request), "not_found");
    }

    [Fact]
    public async Task OverlongUrlIsParameterInvalid()
    {
        var response = await server.Http.GetAsync($"/v2/status?client_id={clientId}&pad={new string('x', 40_000)}");
        await ContractAssert.Error(response, "parameter_invalid");
    }

    [Fact]
    public async Task OversizedHeaderBlockIsParameterInvalid()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/status?client_id={clientId}");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('x', 100_000));
        await ContractAssert.Error(await server.Http.SendAsync(request), "parameter_invalid");
    }

    [Theory]
    [InlineData("x=%zz")]
    [InlineData("x=%")]
    [InlineData("x=%ff%fe")]
    [InlineData("match=%c3")]
    [InlineData("match=a%00b")]
    public async Task UndecodableQueryIsParameterInvalid(string query)
    {
        // Sent verbatim: System.Uri would otherwise re-escape the broken sequences.
        var uri = new Uri($"{server.BaseAddress}v2/search/u?client_id={clientId}&{query}",
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var message = await ContractAssert.Error(await server.Http.GetAsync(uri), "parameter_invalid");
        Assert.Contains("query", message);
    }

    [Fact]
    public async Task RateLimitHeadersOnSuccessAndOnErrors()
    {
        var ok = await server.Http.GetAsync($"/v2/status?client_id={clientId}");
        Assert.Matches("^\"default\";q=\\d+;w=60$", ok.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Matches("^\"default\";r=\\d+;t=\\d+$", ok.Headers.GetValues("RateLimit").Single());
        var failure = await server.Http.GetAsync($"/v2/search/u?client_id={clientId}");
        Assert.True(failure.Headers.Contains("RateLimit"));
        Assert.True(failure.Headers.Contains("RateLimit-Policy"));
        var anonymous = await server.Http.GetAsync("/v2/status");
        Assert.False(anonymous.Headers.Contains("RateLimit"));
    }

    [Fact]
    public async Task HandlerExceptionIsInternalErrorWithLoggedIncident()
    {
        // Break the store under a running server: the handler's query fails unexpectedly.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "sightline.db")}"))
        {
            await connection.OpenAsync();
            var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE users RENAME TO users_gone";
            await command.ExecuteNonQueryAsync();
        }
        var response = await server.Http.GetAsync($"/v2/u/someone?client_id={clientId}");
        var message = await ContractAssert.Error(response, "mapillary_internal_server_error");
        var match = System.Text.RegularExpressions.Regex.Match(message, "^Internal Error: ([0-9a-f]{16})$");
        Assert.True(match.Success, message);
        var incident = match.Groups[1].Value;
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains(incident) && e.Exception is not null);
    }

    [Fact]
    public async Task CorsPreflightAnswers200()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, $"/v2/me?client_id={clientId}");
        request.Headers.Add("Origin", "https://viewer.example.net");
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        // CONTRACT.md §5: every answer to a valid client_id carries the RateLimit fields, a preflight's too.
        Assert.StartsWith("\"default\";q=", response.Headers.GetValues("RateLimit-Policy").Single());
        Assert.StartsWith("\"default\";r=", response.Headers.GetValues("RateLimit").Single());

        // An OPTIONS without Origin is no preflight: it goes on to the budget and the route, a 404 as any wrong method.
        var bare = new HttpRequestMessage(HttpMethod.Options, $"/v2/me?client_id={clientId}");
        bare.Headers.Add("Access-Control-Request-Method", "GET");
        var notPreflight = await server.Http.SendAsync(bare);
        Assert.Equal(HttpStatusCode.NotFound, notPreflight.StatusCode);
        Assert.Single(notPreflight.Headers.GetValues("RateLimit"));

        var simple = new HttpRequestMessage(HttpMethod.Get, $"/v2/status?client_id={clientId}");
        simple.Headers.Add("Origin", "https://viewer.example.net");
        var answer = await server.Http.SendAsync(simple);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    private Task<HttpResponseMessage> Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Http.SendAsync(request);
    }
}
