using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>
/// Every 401 of the API carries a Bearer challenge (RFC 7235 §3.1, RFC 6750 §3): plain without a token, invalid_token for
/// a token sent and refused, insufficient_scope naming the scope a token lacks. The body stays the contract's.
/// </summary>
public sealed class BearerChallengeTests : OAuthTestBase
{
    [Fact]
    public async Task A401WithoutATokenCarriesAPlainBearerChallenge()
    {
        var noToken = await Server.Http.GetAsync($"/v2/me?client_id={Confidential.ClientId}");
        await ContractAssert.Error(noToken, "user_not_authenticated");
        Assert.Equal("Bearer realm=\"sightline\"", Challenge(noToken));
        await AssertBodyKeysAsync(noToken);

        var noClient = await Server.Http.GetAsync("/v2/status");
        await ContractAssert.Error(noClient, "client_id_missing");
        Assert.Equal("Bearer realm=\"sightline\"", Challenge(noClient));

        var unknownClient = await Server.Http.GetAsync("/v2/status?client_id=nosuchclient");
        await ContractAssert.Error(unknownClient, "client_id_invalid");
        Assert.Equal("Bearer realm=\"sightline\"", Challenge(unknownClient));
    }

    [Fact]
    public async Task ARefusedTokenIsInvalidToken()
    {
        var unknown = await GetMeAsync(Confidential.ClientId, "no-such-token");
        await ContractAssert.Error(unknown, "user_not_authenticated");
        Assert.Equal("Bearer realm=\"sightline\", error=\"invalid_token\"", Challenge(unknown));
        await AssertBodyKeysAsync(unknown);

        var token = await Server.IssueTokenAsync(Username, Confidential.ClientId, "user:read");
        var other = await AddClientAsync("Other App");
        var differ = await GetMeAsync(other.ClientId, token);
        await ContractAssert.Error(differ, "client_id_differ");
        Assert.Equal("Bearer realm=\"sightline\", error=\"invalid_token\"", Challenge(differ));
    }

    [Fact]
    public async Task ATokenLackingTheScopeIsInsufficientScope()
    {
        var token = await Server.IssueTokenAsync(Username, Confidential.ClientId, "user:email");
        var response = await GetMeAsync(Confidential.ClientId, token);
        await ContractAssert.Error(response, "user_not_authenticated");
        Assert.Equal("Bearer realm=\"sightline\", error=\"insufficient_scope\", scope=\"user:read\"", Challenge(response));
        await AssertBodyKeysAsync(response);
    }

    [Fact]
    public async Task TheOAuthEndpointsKeepTheirBasicChallenge()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("nobody:wrong"u8.ToArray()));
        var response = await Server.Http.SendAsync(request);
        await OAuthError(response, 401, "client_id_invalid", "invalid_client");
        Assert.Equal("Basic realm=\"sightline\"", Challenge(response));
    }

    private static string Challenge(HttpResponseMessage response) =>
        Assert.Single(response.Headers.WwwAuthenticate).ToString();

    // The body is exactly the contract's two fields, as before the challenge was added.
    private static async Task AssertBodyKeysAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["code", "message"], json.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
    }
}
