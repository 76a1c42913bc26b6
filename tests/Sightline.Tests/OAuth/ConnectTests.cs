using System.Net;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>/connect: error pages versus error redirects (RFC 6749 §4.1.2.1), PKCE and flow rules, implicit flow, deny, CSRF.</summary>
public sealed class ConnectTests : OAuthTestBase
{
    [Theory]
    [InlineData("https://evil.example.org/cb")]
    [InlineData("https://app.example.org/cb/")]          // exact match: no prefix or trailing-slash leniency
    [InlineData("https://app.example.org/cb?x=1")]
    public async Task UnregisteredRedirectUriShowsAnErrorPageAndNeverRedirects(string redirectUri)
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var response = await browser.GetAsync(AuthorizeUrl(Confidential, challenge: challenge, redirectUri: redirectUri));
        await AssertErrorPage(response, "redirect_uri");
    }

    [Fact]
    public async Task UnknownClientShowsAnErrorPageEvenWithOtherErrors()
    {
        using var browser = new Browser(Server.BaseAddress);
        var unknown = Confidential with { ClientId = "AAAAAAAAAAAAAAAAAAAAAA" };
        await AssertErrorPage(await browser.GetAsync(AuthorizeUrl(unknown, responseType: "bogus")), "not registered");
        await AssertErrorPage(await browser.GetAsync("/connect?response_type=code"), "client_id");
    }

    [Fact]
    public async Task AMalformedQueryStringIsShownAsAnHtmlPage()
    {
        // CONTRACT.md §1: the pages answer with HTML, with the contract's status; the query could not be read, so no redirect.
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        await AssertErrorPage(await browser.GetAsync(AuthorizeUrl(Confidential, challenge: challenge) + "&x=%C3%28"), "percent-encoded");
        await AssertErrorPage(await browser.GetAsync("/settings?x=%C3%28"), "percent-encoded");
    }

    [Fact]
    public async Task PlainChallengeIsRefusedByRedirect()
    {
        using var browser = new Browser(Server.BaseAddress);
        var response = await browser.GetAsync(AuthorizeUrl(Confidential, challenge: "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq", method: "plain"));
        var parameters = AssertErrorRedirect(response, "invalid_request");
        Assert.Contains("S256", parameters["error_description"]);
    }

    [Fact]
    public async Task ChallengeWithoutMethodIsRefusedBecauseItWouldMeanPlain()
    {
        using var browser = new Browser(Server.BaseAddress);
        var response = await browser.GetAsync(AuthorizeUrl(Confidential, challenge: "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq", method: null));
        AssertErrorRedirect(response, "invalid_request");
    }

    [Fact]
    public async Task PublicClientWithoutPkceIsRefusedByRedirect()
    {
        var spa = await AddClientAsync("Map SPA", "https://spa.example.org/cb", "--public");
        using var browser = new Browser(Server.BaseAddress);
        var parameters = AssertErrorRedirect(await browser.GetAsync(AuthorizeUrl(spa)), "invalid_request", spa.RedirectUri);
        Assert.Contains("code_challenge", parameters["error_description"]);
    }

    [Theory]
    [InlineData("mapillary:user")]
    [InlineData("mapillary:admin")]
    [InlineData("user:read nonsense:scope")]
    public async Task FirstPartyAndUnknownScopesAreNeverGranted(string scope)
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        AssertErrorRedirect(await browser.GetAsync(AuthorizeUrl(Confidential, scope: scope, challenge: challenge)), "invalid_scope");
    }

    [Fact]
    public async Task FormPostResponseModeIsRefusedByRedirect()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        AssertErrorRedirect(await browser.GetAsync(AuthorizeUrl(Confidential, challenge: challenge) + "&response_mode=form_post"), "invalid_request");
    }

    [Fact]
    public async Task MissingResponseTypeIsInvalidRequestByRedirect()
    {
        // RFC 6749 §4.1.2.1: "the request is missing a required parameter" is invalid_request, with the state sent back.
        using var browser = new Browser(Server.BaseAddress);
        var url = $"/connect?client_id={Confidential.ClientId}&redirect_uri={Uri.EscapeDataString(Confidential.RedirectUri)}&scope=user%3Aread&state=st-42";
        var parameters = AssertErrorRedirect(await browser.GetAsync(url), "invalid_request");
        Assert.Contains("response_type", parameters["error_description"]);
    }

    [Fact]
    public async Task UnsupportedResponseTypeIsRefusedByRedirect()
    {
        using var browser = new Browser(Server.BaseAddress);
        AssertErrorRedirect(await browser.GetAsync(AuthorizeUrl(Confidential, responseType: "id_token")), "unsupported_response_type");
    }

    [Theory]
    [InlineData("token")]
    [InlineData("implicit")]
    public async Task ImplicitFlowIsRefusedForAnApplicationThatHasNotEnabledIt(string responseType)
    {
        using var browser = new Browser(Server.BaseAddress);
        var response = await browser.GetAsync(AuthorizeUrl(Confidential, responseType: responseType));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var parameters = Browser.RedirectParameters(response, fragment: true);
        Assert.Equal("unauthorized_client", parameters["error"]);
        Assert.Equal("st-42", parameters["state"]);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("implicit")]
    public async Task ImplicitFlowPutsOurTokenInTheFragment(string responseType)
    {
        var viewer = await AddClientAsync("Quick Viewer", "https://viewer.example.org/cb", "--public", "--allow-implicit");
        using var browser = new Browser(Server.BaseAddress);
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(viewer, responseType: responseType), Username, Password);
        var redirect = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" });
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("", redirect.Headers.Location!.Query);
        var parameters = Browser.RedirectParameters(redirect, fragment: true);
        Assert.Equal("bearer", parameters["token_type"]);
        Assert.Equal("user:read", parameters["scope"]);
        Assert.Equal("st-42", parameters["state"]);
        Assert.Null(parameters["expires_in"]);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(viewer.ClientId, parameters["access_token"]!)).StatusCode);
    }

    [Fact]
    public async Task FragmentResponseModeIsKeptThroughConsent()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(Confidential, challenge: challenge) + "&response_mode=fragment", Username, Password);
        var redirect = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" });
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("", redirect.Headers.Location!.Query);
        Assert.NotNull(Browser.RedirectParameters(redirect, fragment: true)["code"]);
    }

    [Fact]
    public async Task DenyRedirectsWithAccessDeniedAndState()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(Confidential, challenge: challenge), Username, Password);
        var response = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "deny" });
        var parameters = AssertErrorRedirect(response, "access_denied");
        Assert.Null(parameters["code"]);
        // Our own description, and no link into the OAuth library's documentation (error_uri) in the client's redirect.
        Assert.Null(parameters["error_uri"]);
    }

    [Fact]
    public async Task ConsentWithoutCsrfTokenIsRefusedWith400AndIssuesNoCode()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(Confidential, challenge: challenge), Username, Password);
        var response = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" }, withoutCsrf: true);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SignInWithoutCsrfTokenIsRefusedWith400AndStartsNoSession()
    {
        using var browser = new Browser(Server.BaseAddress);
        var page = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
        var response = await browser.SubmitAsync(page, new Dictionary<string, string> { ["username"] = Username, ["password"] = Password }, withoutCsrf: true);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/settings")).StatusCode);
    }

    [Fact]
    public async Task PagesForbidFramingScriptsAndForeignFormTargets()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        await browser.SignInToConsentAsync(AuthorizeUrl(Confidential, challenge: challenge), Username, Password);
        var consent = await browser.GetAsync(AuthorizeUrl(Confidential, challenge: challenge));
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        var csp = string.Join(' ', consent.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("form-action 'self' https://app.example.org;", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("DENY", string.Join(',', consent.Headers.GetValues("X-Frame-Options")));

        var signIn = await new Browser(Server.BaseAddress).Http.GetAsync("/signin");
        var session = await SessionCookieAsync();
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("form-action 'self'", string.Join(' ', signIn.Headers.GetValues("Content-Security-Policy")).Split("; ")[2]);
    }

    [Fact]
    public async Task OutputIsHtmlEscaped()
    {
        var hostile = await AddClientAsync("<script>alert(1)</script>", "https://x.example.org/cb");
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(hostile, challenge: challenge, state: "%22%3E%3Cb%3E"), Username, Password);
        Assert.DoesNotContain("<script>", consent);
        Assert.Contains("&lt;script&gt;", consent);
        Assert.DoesNotContain("\"><b>", consent);
    }

    private async Task<string> SessionCookieAsync()
    {
        using var browser = new Browser(Server.BaseAddress);
        var page = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
        var response = await browser.SubmitAsync(page, new Dictionary<string, string> { ["username"] = Username, ["password"] = Password });
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sightline_session=", StringComparison.Ordinal));
    }

    // The person consents to what the page listed: the posted request must be the one shown (RFC 6749 §3.3).
    [Theory]
    [InlineData("scope", "user:read private:read private:write")]
    [InlineData("state", "another")]
    [InlineData("shown_request", "")]
    public async Task AConsentFormChangedFromWhatThePageShowedIsRefused(string field, string value)
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(Confidential, challenge: challenge), Username, Password);
        var widened = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow", [field] = value });
        Assert.Equal(HttpStatusCode.BadRequest, widened.StatusCode);
        Assert.Null(widened.Headers.Location);

        // The form as shown still works, and grants what it listed.
        var code = Browser.RedirectParameters(await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" }))["code"]!;
        var response = await ExchangeAsync(Confidential, code, verifier);
        Assert.Contains("\"scope\":\"user:read\"", await response.Content.ReadAsStringAsync());
    }

    // RFC 7636 §4.2: an S256 challenge is 43 to 128 characters of [A-Za-z0-9-._~]; no verifier could ever match another.
    [Theory]
    [InlineData("short")]
    [InlineData("012345678901234567890123456789012345678901")] // 42
    [InlineData("0123456789012345678901234567890123456789+/=")]
    [InlineData("0123456789012345678901234567890123456789%20abc")]
    public async Task AMalformedCodeChallengeIsRefusedByRedirect(string challenge)
    {
        using var browser = new Browser(Server.BaseAddress);
        var response = await browser.GetAsync(AuthorizeUrl(Confidential, challenge: Uri.EscapeDataString(challenge)));
        var parameters = AssertErrorRedirect(response, "invalid_request");
        Assert.Contains("code_challenge", parameters["error_description"]);
        var longest = await browser.GetAsync(AuthorizeUrl(Confidential, challenge: new string('a', 129)));
        AssertErrorRedirect(longest, "invalid_request");
    }

    // RFC 6749 §3.1: request parameters MUST NOT be included more than once; §4.1.2.1: such a request is invalid_request.
    [Theory]
    [InlineData("state", "two")]
    [InlineData("scope", "user:email")]
    [InlineData("response_type", "code")]
    [InlineData("code_challenge_method", "S256")]
    [InlineData("code_challenge", "0123456789012345678901234567890123456789abc")]
    public async Task AParameterSentTwiceIsRefusedByRedirect(string name, string second)
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var response = await browser.GetAsync(AuthorizeUrl(Confidential, challenge: challenge) + $"&{name}={Uri.EscapeDataString(second)}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(RedirectUri + "?", response.Headers.Location!.AbsoluteUri);
        var parameters = Browser.RedirectParameters(response);
        Assert.Equal("invalid_request", parameters["error"]);
        Assert.Contains($"{name} was sent more than once", parameters["error_description"]);
        Assert.Null(parameters["code"]);
    }

    [Theory]
    [InlineData("client_id")]
    [InlineData("redirect_uri")]
    public async Task AClientIdOrRedirectUriSentTwiceIsShownAsSuchAndNeverRedirected(string name)
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var value = name == "client_id" ? Confidential.ClientId : Uri.EscapeDataString(RedirectUri);
        var response = await browser.GetAsync(AuthorizeUrl(Confidential, challenge: challenge) + $"&{name}={value}");
        await AssertErrorPage(response, $"{name} more than once");
        Assert.DoesNotContain("has no client_id", await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertErrorPage(HttpResponseMessage response, string mentions)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentions, await response.Content.ReadAsStringAsync());
    }

    private System.Collections.Specialized.NameValueCollection AssertErrorRedirect(HttpResponseMessage response, string error, string? redirectUri = null)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith((redirectUri ?? RedirectUri) + "?", response.Headers.Location!.AbsoluteUri);
        var parameters = Browser.RedirectParameters(response);
        Assert.Equal(error, parameters["error"]);
        Assert.Equal("st-42", parameters["state"]);
        return parameters;
    }
}
