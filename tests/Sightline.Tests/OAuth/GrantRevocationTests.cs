using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>
/// "Revoke access" at /settings also voids the codes the application holds and has not redeemed yet; a token the
/// application revokes itself (RFC 7009) does not.
/// </summary>
public sealed class GrantRevocationTests : OAuthTestBase
{
    [Fact]
    public async Task RevokeAccessVoidsACodeIssuedBeforeIt()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (firstVerifier, firstChallenge) = Browser.NewPkce();
        var token = await TokenOf(await ExchangeAsync(Confidential, await AuthorizeAsync(browser, Confidential, firstChallenge), firstVerifier));
        var (verifier, challenge) = Browser.NewPkce();
        var pending = await AuthorizeAsync(browser, Confidential, challenge);

        var page = await (await browser.GetAsync("/settings")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SubmitAsync(page)).StatusCode); // the one application's "Revoke access"
        await ContractAssert.Error(await GetMeAsync(Confidential.ClientId, token), "user_not_authenticated");

        await OAuthError(await ExchangeAsync(Confidential, pending, verifier), 400, "parameter_invalid", "invalid_grant");
        Assert.DoesNotContain("Street Viewer", await (await browser.GetAsync("/settings")).Content.ReadAsStringAsync());

        // Consent given again after the revocation is a new grant: its code works.
        var (againVerifier, againChallenge) = Browser.NewPkce();
        var again = await TokenOf(await ExchangeAsync(Confidential, await AuthorizeAsync(browser, Confidential, againChallenge), againVerifier));
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, again)).StatusCode);
    }

    [Fact]
    public async Task ATokenTheApplicationRevokesItselfVoidsNoPendingCode()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (firstVerifier, firstChallenge) = Browser.NewPkce();
        var token = await TokenOf(await ExchangeAsync(Confidential, await AuthorizeAsync(browser, Confidential, firstChallenge), firstVerifier));
        var (verifier, challenge) = Browser.NewPkce();
        var pending = await AuthorizeAsync(browser, Confidential, challenge);

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/revoke")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Confidential.ClientId}:{Confidential.Secret}")));
        Assert.Equal(HttpStatusCode.OK, (await Server.Http.SendAsync(revoke)).StatusCode);
        await ContractAssert.Error(await GetMeAsync(Confidential.ClientId, token), "user_not_authenticated");

        var next = await TokenOf(await ExchangeAsync(Confidential, pending, verifier));
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, next)).StatusCode);
    }
}
