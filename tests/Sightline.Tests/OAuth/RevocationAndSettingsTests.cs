using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>Revocation (RFC 7009), the metadata document (RFC 8414) and the settings pages.</summary>
public sealed class RevocationAndSettingsTests : OAuthTestBase
{
    [Fact]
    public async Task RevokedTokenIsUserNotAuthenticated()
    {
        var token = await Server.IssueTokenAsync(Username, Confidential.ClientId, "user:read");
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, token)).StatusCode);

        var response = await RevokeAsync(token, Confidential.ClientId, Confidential.Secret, basic: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ContractAssert.Error(await GetMeAsync(Confidential.ClientId, token), "user_not_authenticated");
    }

    [Fact]
    public async Task UnknownTokenIsAnswered200()
    {
        var response = await RevokeAsync("no-such-token", Confidential.ClientId, Confidential.Secret, basic: false);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RevocationNeedsTheClientsOwnCredentials()
    {
        var token = await Server.IssueTokenAsync(Username, Confidential.ClientId, "user:read");
        await OAuthError(await RevokeAsync(token, Confidential.ClientId, "wrong", basic: true), 401, "client_id_invalid", "invalid_client");

        // Another application may not revoke this one's tokens; it hears 200 all the same (RFC 7009 §2.2).
        var other = await AddClientAsync("Other App");
        Assert.Equal(HttpStatusCode.OK, (await RevokeAsync(token, other.ClientId, other.Secret, basic: false)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, token)).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EveryRefusedClientIsChallengedAsAtTheTokenEndpoint(bool basic)
    {
        // RFC 6749 §5.2 and the document's 401: invalid_client carries WWW-Authenticate, whether the client sent Basic
        // credentials, form fields, or nothing at all.
        var token = await Server.IssueTokenAsync(Username, Confidential.ClientId, "user:read");
        foreach (var response in new[]
                 {
                     await RevokeAsync(token, Confidential.ClientId, "wrong", basic),
                     await Server.Http.PostAsync("/v2/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token })),
                 })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Basic realm=\"sightline\"", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        }
    }

    [Fact]
    public async Task RevocationReadsTheClientIdFromTheQueryAsEveryCallSendsIt()
    {
        var token = await Server.IssueTokenAsync(Username, Confidential.ClientId, "user:read");
        var response = await Server.Http.PostAsync($"/v2/oauth/revoke?client_id={Confidential.ClientId}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["client_secret"] = Confidential.Secret }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ContractAssert.Error(await GetMeAsync(Confidential.ClientId, token), "user_not_authenticated");
    }

    [Fact]
    public async Task MetadataDescribesTheServer()
    {
        var response = await Server.Http.GetAsync("/.well-known/oauth-authorization-server");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var issuer = Server.BaseAddress.AbsoluteUri;
        Assert.Equal(issuer, root.GetProperty("issuer").GetString());
        Assert.Equal(issuer + "connect", root.GetProperty("authorization_endpoint").GetString());
        Assert.Equal(issuer + "v2/oauth/token", root.GetProperty("token_endpoint").GetString());
        Assert.Equal(issuer + "v2/oauth/revoke", root.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(["S256"], Strings(root, "code_challenge_methods_supported"));
        Assert.Equal(["code", "token"], Strings(root, "response_types_supported"));
        Assert.Equal(["authorization_code", "implicit"], Strings(root, "grant_types_supported"));
        Assert.Contains("client_secret_basic", Strings(root, "token_endpoint_auth_methods_supported"));
        Assert.Contains("client_secret_post", Strings(root, "token_endpoint_auth_methods_supported"));
        Assert.Contains("user:read", Strings(root, "scopes_supported"));
        Assert.DoesNotContain("mapillary:user", Strings(root, "scopes_supported"));
        Assert.DoesNotContain("mapillary:admin", Strings(root, "scopes_supported"));
    }

    [Fact]
    public async Task SettingsListsAuthorizedApplicationsAndRevokesOne()
    {
        var kept = await AddClientAsync("Kept App");
        var keptToken = await Server.IssueTokenAsync(Username, kept.ClientId, "user:read");
        var revokedToken = await Server.IssueTokenAsync(Username, Confidential.ClientId, "user:read user:email");

        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        var page = await (await browser.GetAsync("/settings")).Content.ReadAsStringAsync();
        Assert.Contains("Street Viewer", page);
        Assert.Contains("Kept App", page);
        Assert.Contains("read your email address", page);

        // The first form on the page revokes the first application by name: Kept App, then Street Viewer.
        var streetViewerForm = page[page.IndexOf("<li><strong>Street Viewer", StringComparison.Ordinal)..];
        var response = await browser.SubmitAsync(streetViewerForm);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        await ContractAssert.Error(await GetMeAsync(Confidential.ClientId, revokedToken), "user_not_authenticated");
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(kept.ClientId, keptToken)).StatusCode);
        var after = await (await browser.GetAsync("/settings")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Street Viewer", after);
    }

    [Fact]
    public async Task RevokeFormWithoutCsrfTokenRevokesNothing()
    {
        var token = await Server.IssueTokenAsync(Username, Confidential.ClientId, "user:read");
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        var page = await (await browser.GetAsync("/settings")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.SubmitAsync(page, withoutCsrf: true)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, token)).StatusCode);
    }

    [Fact]
    public async Task SettingsNeedASession()
    {
        using var browser = new Browser(Server.BaseAddress);
        var response = await browser.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task APersonRegistersAnApplicationAndSeesItsClientIdAndSecretOnce()
    {
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        var form = await (await browser.GetAsync("/settings/applications")).Content.ReadAsStringAsync();
        var response = await browser.SubmitAsync(form, new Dictionary<string, string>
        {
            ["name"] = "My Mapper",
            ["redirect_uris"] = "https://mapper.example.org/cb\nhttps://mapper.example.org/cb2",
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        var clientId = System.Text.RegularExpressions.Regex.Match(page, "client_id: <code>([^<]+)</code>").Groups[1].Value;
        var secret = System.Text.RegularExpressions.Regex.Match(page, "client_secret: <code>([^<]+)</code>").Groups[1].Value;
        Assert.NotEmpty(clientId);
        Assert.NotEmpty(secret);

        // The new application works at once: its client_id is valid on the API and its secret at the token endpoint.
        var status = await Server.Http.GetAsync($"/v2/status?client_id={clientId}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var mapper = new Client(clientId, secret, "https://mapper.example.org/cb2");
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, mapper, challenge);
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(mapper, code, verifier)).StatusCode);
    }

    [Theory]
    [InlineData("/cb", "must be an absolute URI")]
    [InlineData("javascript:alert(document.domain)//", "must not be a javascript: URI")]
    [InlineData("JavaScript:alert(1)", "must not be a javascript: URI")]
    [InlineData("data:text/html,<script>alert(1)</script>", "must not be a data: URI")]
    public async Task RegistrationRefusesARedirectUriNoAnswerMayGoTo(string redirectUri, string problem)
    {
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        var form = await (await browser.GetAsync("/settings/applications")).Content.ReadAsStringAsync();
        var response = await browser.SubmitAsync(form, new Dictionary<string, string> { ["name"] = "Bad", ["redirect_uris"] = redirectUri });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        // The administrator's command refuses it too; a native app's private-use scheme (RFC 8252) is taken.
        var (exitCode, _, error) = await TestServer.RunCliAsync("", "clients", "add", "--data", Server.DataDirectory, "--name", "Bad", "--redirect-uri", redirectUri);
        Assert.NotEqual(0, exitCode);
        Assert.Contains(problem, error);
        await Server.AdminAsync("", "clients", "add", "--name", "Native", "--redirect-uri", "org.example.mapper:/oauth");
    }

    private Task<HttpResponseMessage> RevokeAsync(string token, string clientId, string? secret, bool basic)
    {
        var fields = new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = "access_token" };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/revoke");
        if (basic)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        else
        {
            fields["client_id"] = clientId;
            if (secret is not null)
                fields["client_secret"] = secret;
        }
        request.Content = new FormUrlEncodedContent(fields);
        return Server.Http.SendAsync(request);
    }

    private static string[] Strings(JsonElement root, string name) =>
        root.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
}

/// <summary>Behind a reverse proxy the issuer is configured, not guessed from the request.</summary>
public sealed class ConfiguredIssuerTests : OAuthTestBase
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?> { ["OAuth:Issuer"] = "https://sightline.example.org/" };

    [Fact]
    public async Task MetadataAndErrorRedirectsNameTheConfiguredIssuer()
    {
        using var json = JsonDocument.Parse(await Server.Http.GetStringAsync("/.well-known/oauth-authorization-server"));
        Assert.Equal("https://sightline.example.org/", json.RootElement.GetProperty("issuer").GetString());
        Assert.Equal("https://sightline.example.org/v2/oauth/token", json.RootElement.GetProperty("token_endpoint").GetString());
        Assert.Equal("https://sightline.example.org/v2/oauth/revoke", json.RootElement.GetProperty("revocation_endpoint").GetString());

        using var browser = new Browser(Server.BaseAddress);
        var response = await browser.GetAsync(AuthorizeUrl(Confidential, scope: "mapillary:admin"));
        Assert.Equal("https://sightline.example.org/", Browser.RedirectParameters(response)["iss"]);
    }
}
