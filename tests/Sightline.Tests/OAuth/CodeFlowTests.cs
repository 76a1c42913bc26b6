using System.Net;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>The authorization code flow with PKCE, from /connect to an API call, and its refusals at the token endpoint.</summary>
public sealed class CodeFlowTests : OAuthTestBase
{
    [Fact]
    public async Task CodeFlowWithPkceIssuesATokenTheApiAcceptsForItsOwnClientOnly()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(Confidential, scope: "user:read user:email", challenge: challenge), Username, Password);
        Assert.Contains("Street Viewer", consent);
        Assert.Contains("read your private profile information", consent);
        Assert.Contains("read your email address", consent);

        var redirect = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" });
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var parameters = Browser.RedirectParameters(redirect);
        Assert.Equal("st-42", parameters["state"]);

        var response = await ExchangeAsync(Confidential, parameters["code"]!, verifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["access_token", "scope", "token_type"], json.RootElement.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal("bearer", json.RootElement.GetProperty("token_type").GetString());
        Assert.Equal("user:read user:email", json.RootElement.GetProperty("scope").GetString());
        var token = json.RootElement.GetProperty("access_token").GetString()!;

        var me = await GetMeAsync(Confidential.ClientId, token);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains(Username, await me.Content.ReadAsStringAsync());

        var other = await AddClientAsync("Other App");
        await ContractAssert.Error(await GetMeAsync(other.ClientId, token), "client_id_differ");
    }

    [Fact]
    public async Task ClientSecretWorksAsHttpBasicToo()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        var token = await TokenOf(await ExchangeAsync(Confidential, code, verifier, basic: true));
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, token)).StatusCode);
    }

    // Spec §1.2: every call carries client_id in the query; §2.2 names the fields without an encoding. A Mapillary-era
    // client may put client_id, or every field, in the query of its POST: the form wins where both have one.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TokenRequestFieldsMayComeInTheQuery(bool everyField)
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        var fields = new Dictionary<string, string>
        {
            ["client_secret"] = Confidential.Secret!, ["redirect_uri"] = Confidential.RedirectUri, ["grant_type"] = "authorization_code",
            ["code"] = code, ["code_verifier"] = verifier,
        };
        var query = $"client_id={Confidential.ClientId}" + (everyField ? "&" + string.Join('&', fields.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}")) : "");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/token?" + query)
        {
            Content = everyField ? null : new FormUrlEncodedContent(fields),
        };
        var token = await TokenOf(await Server.Http.SendAsync(request));
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, token)).StatusCode);
    }

    // RFC 6749 §4.1.3 defines no scope for the code exchange, and §3.2 says to ignore unrecognized parameters (CONTRACT.md §4:
    // unknown parameters are ignored): simple-oauth2's README sends one. It changes nothing: the token has the granted scope.
    [Theory]
    [InlineData("user:read")]
    [InlineData("user:read private:write")]
    public async Task AScopeSentWithTheCodeExchangeIsIgnored(string scope)
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        var form = $"grant_type=authorization_code&code={Uri.EscapeDataString(code)}&redirect_uri={Uri.EscapeDataString(Confidential.RedirectUri)}" +
                   $"&code_verifier={verifier}&client_id={Confidential.ClientId}&client_secret={Uri.EscapeDataString(Confidential.Secret!)}" +
                   $"&scope={Uri.EscapeDataString(scope)}";
        var response = await Server.Http.PostAsync("/v2/oauth/token", new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        Assert.Equal("user:read", json.RootElement.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task MissingCodeVerifierIsRefused()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        await OAuthError(await ExchangeAsync(Confidential, code, verifier: null), 400, "parameter_missing", "invalid_request");
    }

    [Fact]
    public async Task WrongCodeVerifierIsRefused()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        var (otherVerifier, _) = Browser.NewPkce();
        await OAuthError(await ExchangeAsync(Confidential, code, otherVerifier), 400, "parameter_invalid", "invalid_grant");
    }

    [Fact]
    public async Task ReusedCodeIsRefusedAndRevokesTheTokenItBought()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        var token = await TokenOf(await ExchangeAsync(Confidential, code, verifier));
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, token)).StatusCode);

        await OAuthError(await ExchangeAsync(Confidential, code, verifier), 400, "parameter_invalid", "invalid_grant");
        await ContractAssert.Error(await GetMeAsync(Confidential.ClientId, token), "user_not_authenticated");
    }

    [Fact]
    public async Task CodeFromAnotherClientIsRefused()
    {
        var thief = await AddClientAsync("Thief", RedirectUri);
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        await OAuthError(await ExchangeAsync(thief, code, verifier), 400, "parameter_invalid", "invalid_grant");
        // The code is still good for its own client: the refusal spent nothing.
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(Confidential, code, verifier)).StatusCode);
    }

    [Fact]
    public async Task RedirectUriMustMatchTheOneTheCodeWasIssuedFor()
    {
        var twoUris = await Server.AdminAsync("", "clients", "add", "--name", "Two", "--redirect-uri", RedirectUri, "--redirect-uri", "https://app.example.org/other");
        var client = new Client(twoUris.GetProperty("client_id").GetString()!, twoUris.GetProperty("client_secret").GetString(), RedirectUri);
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, client, challenge);
        await OAuthError(await ExchangeAsync(client, code, verifier, redirectUri: "https://app.example.org/other"), 400, "parameter_invalid", "invalid_grant");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WrongClientSecretIs401InvalidClient(bool basic)
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        var response = await ExchangeAsync(Confidential, code, verifier, secret: "not-the-secret", basic: basic);
        await OAuthError(response, 401, "client_id_invalid", "invalid_client");
        // RFC 7617 §2: a Basic challenge names its realm; the same one as the revocation endpoint's.
        Assert.Equal("Basic realm=\"sightline\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task PublicClientExchangesWithPkceAndNoSecret()
    {
        var spa = await AddClientAsync("Map SPA", "https://spa.example.org/cb", "--public");
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, spa, challenge);
        var token = await TokenOf(await ExchangeAsync(spa, code, verifier));
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(spa.ClientId, token)).StatusCode);
    }

    [Fact]
    public async Task WrongMethodOnTheTokenEndpointIsNotFound()
    {
        await ContractAssert.Error(await Server.Http.GetAsync("/v2/oauth/token"), "not_found");
    }
}

/// <summary>Tokens expire only when configured to, and then the answer says when (RFC 6749 §5.1 expires_in).</summary>
public sealed class ConfiguredTokenLifetimeTests : OAuthTestBase
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?> { ["OAuth:TokenLifetimeSeconds"] = "3600" };

    [Fact]
    public async Task ConfiguredLifetimeIsAnnouncedAsExpiresIn()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        var response = await ExchangeAsync(Confidential, code, verifier);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3600, json.RootElement.GetProperty("expires_in").GetInt32());
        var token = json.RootElement.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, token)).StatusCode);
    }
}
