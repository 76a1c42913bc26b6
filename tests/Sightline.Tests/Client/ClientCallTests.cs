using Sightline.Client;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Client;

/// <summary>The client's typed calls and typed errors against the real server over HTTP.</summary>
public sealed class ClientCallTests : IAsyncLifetime
{
    private TestServer server = null!;
    private readonly RecordingHandler handler = new();
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        http = new HttpClient(handler);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private SightlineClient Client(string clientId, string? token = null) =>
        new(http, new SightlineClientOptions { BaseAddress = server.BaseAddress, ClientId = clientId, AccessToken = token, BaseDelay = TimeSpan.FromMilliseconds(5) });

    [Fact]
    public async Task GetStatusReturnsTheServersStatus()
    {
        var (clientId, _) = await server.AddClientAsync();
        await server.AddUserAsync("status_one");

        var status = await Client(clientId).GetStatusAsync();

        Assert.Equal("ok", status.Code);
        Assert.Equal(200, status.Status);
        Assert.False(string.IsNullOrEmpty(status.Version));
        Assert.Equal(1, status.Users);
        Assert.Contains($"client_id={clientId}", handler.Exchanges.Single().Uri.Query);
    }

    [Fact]
    public async Task GetMeWithEmailScopeIncludesTheEmail()
    {
        var (username, clientId, token) = await server.AddUserWithTokenAsync("me_email", "user:read user:email");

        var me = await Client(clientId, token).GetMeAsync();

        Assert.Equal(username, me.Username);
        Assert.Equal("me_email@example.org", me.Email);
        Assert.False(string.IsNullOrEmpty(me.UserUuid));
        Assert.True(me.MemberSince > 0);
        Assert.Equal($"Bearer {token}", handler.Exchanges.Single().Authorization);
    }

    [Fact]
    public async Task GetMeWithoutEmailScopeHasNoEmail()
    {
        var (username, clientId, token) = await server.AddUserWithTokenAsync("me_plain", "user:read");

        var me = await Client(clientId, token).GetMeAsync();

        Assert.Equal(username, me.Username);
        Assert.Null(me.Email);
    }

    [Fact]
    public async Task GetUserReturnsTheProfileWithHistogram()
    {
        var (clientId, _) = await server.AddClientAsync();
        await server.AddUserAsync("profile_one");

        var profile = await Client(clientId).GetUserAsync("profile_one");

        Assert.Equal("profile_one", profile.User);
        Assert.False(string.IsNullOrEmpty(profile.UserUuid));
        Assert.NotNull(profile.Histogram);
        Assert.Empty(profile.Histogram);
        Assert.Equal(0, profile.ImagesAll);
    }

    [Fact]
    public async Task SearchUsersReturnsPrefixMatchesWithinTheLimit()
    {
        var (clientId, _) = await server.AddClientAsync();
        foreach (var name in new[] { "alpha_one", "alpha_two", "alpha_three", "beta" })
            await server.AddUserAsync(name);
        var client = Client(clientId);

        var all = await client.SearchUsersAsync("ALPHA");
        var two = await client.SearchUsersAsync("alpha", limit: 2);

        Assert.Equal(["alpha_one", "alpha_three", "alpha_two"], all.Select(m => m.Username));
        Assert.Equal(2, two.Count);
        Assert.Contains("limit=2", handler.Exchanges[^1].Uri.Query);
    }

    [Fact]
    public async Task QueryValuesAreEncodedSoTheyCannotAddParameters()
    {
        var (clientId, _) = await server.AddClientAsync();
        await server.AddUserAsync("encoded");

        // Unencoded, this would send limit=1000 and be refused as parameter_invalid.
        var matches = await Client(clientId).SearchUsersAsync("encoded&limit=1000");

        Assert.Empty(matches);
    }

    [Fact]
    public async Task PathValuesAreEncodedSoTheyStayOneSegment()
    {
        var (clientId, _) = await server.AddClientAsync();

        // Unencoded, "a/b" would be another path (404); encoded, it is one invalid username.
        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(clientId).GetUserAsync("a/b"));

        Assert.Equal(SightlineErrorCode.ParameterInvalid, error.Code);
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public async Task MissingClientIdIsClientIdMissing()
    {
        var (clientId, _) = await server.AddClientAsync();
        // The client always sends client_id, so take it off on the wire to reach this catalogue row.
        handler.Rewrite = request =>
        {
            request.RequestUri = new Uri(request.RequestUri!.GetLeftPart(UriPartial.Path));
            return request;
        };

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(clientId).GetStatusAsync());

        AssertError(error, 401, SightlineErrorCode.ClientIdMissing, "client_id_missing");
    }

    [Fact]
    public async Task UnknownClientIdIsClientIdInvalid()
    {
        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client("AAAAAAAAAAAAAAAAAAAAAA").GetStatusAsync());
        AssertError(error, 401, SightlineErrorCode.ClientIdInvalid, "client_id_invalid");
    }

    [Fact]
    public async Task TokenOfAnotherApplicationIsClientIdDiffer()
    {
        var (clientId, _) = await server.AddClientAsync();
        var (_, _, token) = await server.AddUserWithTokenAsync("differ", "user:read");

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(clientId, token).GetMeAsync());

        AssertError(error, 401, SightlineErrorCode.ClientIdDiffer, "client_id_differ");
    }

    [Fact]
    public async Task MeWithoutTokenIsUserNotAuthenticated()
    {
        var (clientId, _) = await server.AddClientAsync();

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(clientId).GetMeAsync());

        AssertError(error, 401, SightlineErrorCode.UserNotAuthenticated, "user_not_authenticated");
        Assert.Contains("user:read", error.Message);
    }

    [Fact]
    public async Task EmptySearchIsParameterMissing()
    {
        var (clientId, _) = await server.AddClientAsync();

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(clientId).SearchUsersAsync(""));

        AssertError(error, 400, SightlineErrorCode.ParameterMissing, "parameter_missing");
        Assert.Contains("match", error.Message);
    }

    [Fact]
    public async Task LimitOutOfRangeIsParameterInvalid()
    {
        var (clientId, _) = await server.AddClientAsync();

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(clientId).SearchUsersAsync("a", limit: 0));

        AssertError(error, 400, SightlineErrorCode.ParameterInvalid, "parameter_invalid");
        Assert.Contains("limit", error.Message);
    }

    [Fact]
    public async Task UnknownUserIsNotFound()
    {
        var (clientId, _) = await server.AddClientAsync();

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => Client(clientId).GetUserAsync("nobody_here"));

        AssertError(error, 404, SightlineErrorCode.NotFound, "not_found");
    }

    private static void AssertError(SightlineApiException error, int status, SightlineErrorCode code, string rawCode)
    {
        Assert.Equal(status, error.Status);
        Assert.Equal(code, error.Code);
        Assert.Equal(rawCode, error.RawCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.Null(error.RetryAfter);
    }
}
