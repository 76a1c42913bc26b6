using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Sightline.Client;
using Sightline.Client.OAuth;

namespace Sightline.Tests.Client;

/// <summary>The SDK's OAuth helper: the /connect URL with PKCE, the code exchange and revocation, with a person signing in through a browser.</summary>
public sealed class ClientOAuthTests(SdkWorld world) : IClassFixture<SdkWorld>
{
    private const string Password = "correct horse battery staple"; // TestServer.AddUserAsync's default
    private static readonly Uri Redirect = new("https://app.example.org/cb");

    private async Task<SightlineClient> ApplicationAsync(bool confidential)
    {
        var json = await world.Server.AdminAsync("", ["clients", "add", "--name", "OAuth app", "--redirect-uri", Redirect.AbsoluteUri, .. confidential ? Array.Empty<string>() : ["--public"]]);
        var secret = json.GetProperty("client_secret");
        return new SightlineClient(world.Http, new SightlineClientOptions
        {
            BaseAddress = world.Server.BaseAddress,
            ClientId = json.GetProperty("client_id").GetString(),
            ClientSecret = secret.ValueKind == System.Text.Json.JsonValueKind.String ? secret.GetString() : null,
            RedirectUri = Redirect,
        });
    }

    // The person signs in as walker and answers the consent page; returns the redirect the browser is sent to.
    private async Task<Uri> ConsentAsync(AuthorizationRequest request, string decision)
    {
        using var browser = new Sightline.Tests.OAuth.Browser(world.Server.BaseAddress);
        var consent = await browser.SignInToConsentAsync(request.Url.PathAndQuery, "walker", Password);
        var redirect = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = decision });
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        return redirect.Headers.Location!;
    }

    [Fact]
    public void AuthorizationUrlCarriesClientScopesStateAndAnS256Challenge()
    {
        var client = world.NewClient();

        var request = client.CreateAuthorizationRequest(["user:read", "public:upload"], Redirect, state: "q81z");

        var query = HttpUtility.ParseQueryString(request.Url.Query);
        Assert.Equal(new Uri(world.Server.BaseAddress, "/connect").AbsoluteUri, request.Url.GetLeftPart(UriPartial.Path));
        Assert.Equal(world.ClientId, query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("user:read public:upload", query["scope"]);
        Assert.Equal("q81z", query["state"]);
        Assert.Equal(Redirect.AbsoluteUri, query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        var expected = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(request.Pkce.Verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expected, query["code_challenge"]);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", request.Pkce.Verifier);
        Assert.NotEqual(request.Pkce.Verifier, client.CreateAuthorizationRequest(["user:read"], Redirect).Pkce.Verifier);
        Assert.NotEqual(request.State, client.CreateAuthorizationRequest(["user:read"], Redirect).State);
        // Handed to a browser as text, the URL is whole: Uri.ToString() shows an escaped space as a space, which breaks a link.
        Assert.DoesNotContain(' ', request.Url.ToString());
        Assert.Equal("user:read public:upload", HttpUtility.ParseQueryString(new Uri(request.Url.ToString()).Query)["scope"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CodeFlowWithPkceGivesATokenThatRevocationEnds(bool confidential)
    {
        var application = await ApplicationAsync(confidential);
        var request = application.CreateAuthorizationRequest(["user:read"]);

        var code = SightlineClient.ReadAuthorizationCode(await ConsentAsync(request, "allow"), request);
        var token = await application.ExchangeCodeAsync(request, code);
        var user = application.WithAccessToken(token.AccessToken);
        var me = await user.GetMeAsync();
        var revoked = await application.RevokeTokenAsync(token.AccessToken);
        var after = await Assert.ThrowsAsync<SightlineApiException>(() => user.GetMeAsync());

        Assert.Equal(("bearer", "user:read"), (token.TokenType, token.Scope));
        Assert.Null(token.ExpiresIn);
        Assert.Equal("walker", me.Username);
        Assert.Equal("ok", revoked.Code);
        Assert.Equal(SightlineErrorCode.UserNotAuthenticated, after.Code);
    }

    [Fact]
    public async Task CodeIsGoodForOneExchangeOnly()
    {
        var application = await ApplicationAsync(confidential: true);
        var request = application.CreateAuthorizationRequest(["user:read"]);
        var code = SightlineClient.ReadAuthorizationCode(await ConsentAsync(request, "allow"), request);
        await application.ExchangeCodeAsync(request, code);

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => application.ExchangeCodeAsync(request, code));

        Assert.Equal(400, error.Status);
        Assert.Equal(SightlineErrorCode.ParameterInvalid, error.Code);
        Assert.Equal("invalid_grant", error.OAuthError);
    }

    [Fact]
    public async Task WrongVerifierIsInvalidGrant()
    {
        var application = await ApplicationAsync(confidential: false);
        var request = application.CreateAuthorizationRequest(["user:read"]);
        var code = SightlineClient.ReadAuthorizationCode(await ConsentAsync(request, "allow"), request);

        var error = await Assert.ThrowsAsync<SightlineApiException>(() =>
            application.ExchangeCodeAsync(code, Pkce.Create().Verifier, Redirect));

        Assert.Equal("invalid_grant", error.OAuthError);
    }

    [Fact]
    public async Task DeniedConsentAndAForeignStateAreRefused()
    {
        var application = await ApplicationAsync(confidential: true);
        var request = application.CreateAuthorizationRequest(["user:read"]);
        var denied = await ConsentAsync(request, "deny");

        var refusal = Assert.Throws<SightlineApiException>(() => SightlineClient.ReadAuthorizationCode(denied, request));
        var foreign = Assert.Throws<SightlineApiException>(() =>
            SightlineClient.ReadAuthorizationCode(new Uri(Redirect, "?code=abc&state=someone-else"), request));

        Assert.Equal("access_denied", refusal.OAuthError);
        Assert.Equal("invalid_state", foreign.OAuthError);
    }

    [Fact]
    public async Task WrongSecretIsInvalidClient()
    {
        var application = await ApplicationAsync(confidential: true);
        var impostor = new SightlineClient(world.Http, new SightlineClientOptions
        {
            BaseAddress = world.Server.BaseAddress, ClientId = application.ClientId, ClientSecret = "not-the-secret", RedirectUri = Redirect,
        });

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => impostor.RevokeTokenAsync("whatever"));

        Assert.Equal(401, error.Status);
        Assert.Equal("invalid_client", error.OAuthError);
    }
}
