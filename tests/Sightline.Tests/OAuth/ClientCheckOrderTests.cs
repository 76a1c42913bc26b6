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
    public async Task CredentialsThatAreNotBasicAreFailedClientAuthentication()
    {
        // RFC 6749 §5.2: invalid_client, a 401, as the revocation endpoint answers the same header.
        foreach (var header in new[] { "Basic !!!", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon")) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = "x" }),
            };
            request.Headers.TryAddWithoutValidation("Authorization", header);
            await OAuthError(await Server.Http.SendAsync(request), 401, "client_id_invalid", "invalid_client");
        }
    }

    [Fact]
    public async Task ABodyWithoutContentTypeIsParameterInvalid()
    {
        // A body of no media type is of the wrong one (CONTRACT.md §3), not a missing parameter.
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes($"client_id={Confidential.ClientId}&client_secret={Confidential.Secret}&grant_type=authorization_code&code=x"));
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/token", content), 400, "parameter_invalid", "invalid_request");
    }

    [Fact]
    public async Task AFieldSentTwiceIsNamedAsSuchNotAsMissing()
    {
        async Task<string> Refusal(string form, int status, string code, string error)
        {
            using var response = await Server.Http.PostAsync("/v2/oauth/token", new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded"));
            var text = await response.Content.ReadAsStringAsync();
            await OAuthError(response, status, code, error);
            return text;
        }
        Assert.Contains("client_id was sent more than once",
            await Refusal($"client_id={Confidential.ClientId}&client_id=other&grant_type=authorization_code&code=x", 401, "client_id_invalid", "invalid_client"));
        Assert.Contains("grant_type was sent more than once",
            await Refusal($"client_id={Confidential.ClientId}&client_secret={Confidential.Secret}&grant_type=authorization_code&grant_type=x&code=x", 400, "parameter_invalid", "invalid_request"));
        // The client is judged first (CONTRACT.md §4): a wrong secret beats the repeated field.
        await Refusal($"client_id={Confidential.ClientId}&client_secret=wrong&grant_type=authorization_code&grant_type=x&code=x", 401, "client_id_invalid", "invalid_client");
        // An unknown field is ignored, once or twice (RFC 6749 §3.2): what is then missing is the code.
        Assert.Contains("code", await Refusal($"client_id={Confidential.ClientId}&client_secret={Confidential.Secret}&grant_type=authorization_code&x=1&x=2",
            400, "parameter_missing", "invalid_request"));
    }

    [Fact]
    public async Task HttpBasicBesideAnotherClientIdIsRefused()
    {
        var other = await AddClientAsync("Other App");
        var basic = $"{Confidential.ClientId}:{Confidential.Secret}";
        var fields = new Dictionary<string, string> { ["client_id"] = other.ClientId, ["grant_type"] = "authorization_code", ["code"] = "x" };
        await OAuthError(await PostFormAsync("/v2/oauth/token", fields, basic: basic), 400, "parameter_invalid", "invalid_request");
        // The same client_id beside Basic is no contradiction: the request goes on to its code.
        fields["client_id"] = Confidential.ClientId;
        using var same = await PostFormAsync("/v2/oauth/token", fields, basic: basic);
        Assert.DoesNotContain("not both", await same.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RevocationWithoutClientIdIsClientIdMissing()
    {
        await OAuthError(await PostFormAsync("/v2/oauth/revoke", new() { ["token"] = "whatever" }), 401, "client_id_missing", "invalid_client");
        // No body at all: still the client that is missing, not the form.
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/revoke", null), 401, "client_id_missing", "invalid_client");
    }
}
