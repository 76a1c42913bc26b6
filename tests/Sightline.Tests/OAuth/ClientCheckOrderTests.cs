using System.Net.Http.Headers;
using System.Text;

namespace Sightline.Tests.OAuth;

/// <summary>
/// The token and revocation endpoints judge the client before the parameters (CONTRACT.md §4), and a request with no
/// client_id at all is the catalogue's client_id_missing (401, with RFC 6749's invalid_client), never a 400.
/// </summary>
public sealed class ClientCheckOrderTests : OAuthTestBase
{
    private Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, string? basic = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (basic is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        return Server.Http.SendAsync(request);
    }

    [Fact]
    public async Task TokenRequestWithoutClientIdIsClientIdMissing()
    {
        var fields = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = "some-code",
            ["redirect_uri"] = RedirectUri,
        };
        await OAuthError(await PostFormAsync("/v2/oauth/token", fields), 401, "client_id_missing", "invalid_client");
    }

    [Fact]
    public async Task EmptyTokenRequestIsClientIdMissingBeforeTheMissingGrantType()
    {
        await OAuthError(await PostFormAsync("/v2/oauth/token", []), 401, "client_id_missing", "invalid_client");
        // No body at all, not even a Content-Type (curl -X POST): still the client that is missing.
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/token", null), 401, "client_id_missing", "invalid_client");
    }

    [Fact]
    public async Task UnknownClientBeatsMissingParametersAtTheTokenEndpoint()
    {
        await OAuthError(await PostFormAsync("/v2/oauth/token", new() { ["client_id"] = "no-such-application" }), 401, "client_id_invalid", "invalid_client");
        await OAuthError(await PostFormAsync("/v2/oauth/token", new() { ["client_id"] = Confidential.ClientId, ["client_secret"] = "wrong" }),
            401, "client_id_invalid", "invalid_client");
        await OAuthError(await PostFormAsync("/v2/oauth/token", [], basic: $"{Confidential.ClientId}:wrong"), 401, "client_id_invalid", "invalid_client");
    }

    [Fact]
    public async Task AuthenticatedClientThenHearsAboutTheMissingParameter()
    {
        var fields = new Dictionary<string, string> { ["client_id"] = Confidential.ClientId, ["client_secret"] = Confidential.Secret! };
        await OAuthError(await PostFormAsync("/v2/oauth/token", fields), 400, "parameter_missing", "invalid_request");
    }

    [Fact]
    public async Task RevocationWithoutClientIdIsClientIdMissing()
    {
        await OAuthError(await PostFormAsync("/v2/oauth/revoke", new() { ["token"] = "whatever" }), 401, "client_id_missing", "invalid_client");
        // No body at all: still the client that is missing, not the form.
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/revoke", null), 401, "client_id_missing", "invalid_client");
    }
}
