using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Tests.Infrastructure;


namespace Sightline.Tests.Operations;

/// <summary>The operator's account commands (issue 13) against a running server: users, clients, tokens.</summary>
public sealed class AccountCommandTests : IAsyncLifetime
{
    private TestServer server = null!;

    public async Task InitializeAsync() => server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task ADisabledUsersTokensStopAtOnceAndWorkAgainWhenEnabled()
    {
        var (username, clientId, token) = await server.AddUserWithTokenAsync("disable_me", "user:read");
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(clientId, token)).StatusCode);

        var disabled = await server.AdminAsync("", "users", "disable", username);
        Assert.True(disabled.GetProperty("disabled").GetBoolean());
        await ContractAssert.Error(await MeAsync(clientId, token), "user_not_authenticated");
        var shown = await server.AdminAsync("", "users", "show", username);
        Assert.True(shown.GetProperty("disabled").GetBoolean());

        using (var browser = new Sightline.Tests.OAuth.Browser(server.BaseAddress))
        {
            var page = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
            var refused = await browser.SubmitAsync(page, new Dictionary<string, string> { ["username"] = username, ["password"] = "correct horse battery staple" });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await server.AdminAsync("", "users", "enable", username);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(clientId, token)).StatusCode);
    }

    [Fact]
    public async Task ListShowsEveryUserAndUnknownNamesFail()
    {
        await server.AddUserAsync("listed_a");
        await server.AddUserAsync("listed_b");
        var list = await server.AdminAsync("", "users", "list");
        var names = list.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("username").GetString()).ToList();
        Assert.Contains("listed_a", names);
        Assert.Contains("listed_b", names);
        var (exit, _, error) = await TestServer.RunCliAsync("", "users", "show", "nobody_at_all", "--data", server.DataDirectory);
        Assert.NotEqual(0, exit);
        Assert.Contains("nobody_at_all", error);
    }

    [Fact]
    public async Task SetPasswordReplacesThePassword()
    {
        await server.AddUserAsync("new_password");
        await server.AdminAsync("a much better passphrase\n", "users", "set-password", "new_password");
        using var browser = new Sightline.Tests.OAuth.Browser(server.BaseAddress);
        var page = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
        var old = await browser.SubmitAsync(page, new Dictionary<string, string> { ["username"] = "new_password", ["password"] = "correct horse battery staple" });
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        await browser.SignInAsync("new_password", "a much better passphrase");
    }

    [Fact]
    public async Task ClientsAreListedShownReEnabledAndTheirSecretRotated()
    {
        var (clientId, secret) = await server.AddClientAsync("rotating app");
        var list = await server.AdminAsync("", "clients", "list");
        Assert.Contains(list.GetProperty("applications").EnumerateArray(), a => a.GetProperty("client_id").GetString() == clientId);
        var shown = await server.AdminAsync("", "clients", "show", clientId);
        Assert.Equal("rotating app", shown.GetProperty("name").GetString());
        Assert.Equal("https://app.example.org/cb", shown.GetProperty("redirect_uris")[0].GetString());
        Assert.False(shown.TryGetProperty("client_secret", out _));

        await server.AdminAsync("", "clients", "disable", clientId);
        await ContractAssert.Error(await server.Http.GetAsync($"/v2/status?client_id={clientId}"), "client_id_invalid");
        await server.AdminAsync("", "clients", "enable", clientId);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).StatusCode);

        var rotated = await server.AdminAsync("", "clients", "rotate-secret", clientId);
        var newSecret = rotated.GetProperty("client_secret").GetString()!;
        Assert.NotEqual(secret, newSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RevokeAsync(clientId, secret!)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(clientId, newSecret)).StatusCode);
    }

    [Fact]
    public async Task TokensListShowsStatesButNeverValues()
    {
        var (username, clientId, first) = await server.AddUserWithTokenAsync("token_owner", "user:read");
        var second = await server.IssueTokenAsync(username, clientId, "user:read user:email");
        await server.AdminAsync("", "tokens", "revoke", first);
        var result = await TestServer.RunCliAsync("", "tokens", "list", "--user", username, "--data", server.DataDirectory, "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(first, result.Output);
        Assert.DoesNotContain(second, result.Output);
        var tokens = JsonDocument.Parse(result.Output.TrimEnd().Split('\n')[^1]).RootElement.GetProperty("tokens").EnumerateArray().ToList();
        Assert.Equal(2, tokens.Count);
        Assert.Equal(["active", "revoked"], tokens.Select(t => t.GetProperty("state").GetString()!).Order().ToArray());
    }

    private async Task<HttpResponseMessage> MeAsync(string clientId, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/me?client_id={clientId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await server.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> RevokeAsync(string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "unknown-token" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return await server.Http.SendAsync(request);
    }
}
