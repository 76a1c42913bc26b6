using System.Net;

namespace Sightline.Tests.OAuth;

/// <summary>
/// The sign-in session is re-checked against the account on every request: disabling, a password change and signing out
/// end it at once, also for a copy of the cookie kept elsewhere; and a code issued before the account was disabled buys nothing.
/// </summary>
public sealed class SessionTests : OAuthTestBase
{
    [Fact]
    public async Task DisablingAnAccountEndsItsSessionAtOnce()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (_, challenge) = Browser.NewPkce();
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(Confidential, challenge: challenge), Username, Password);

        await Server.AdminAsync("", "users", "disable", Username);

        await AssertSignedOutAsync(browser, "/settings");
        await AssertSignedOutAsync(browser, AuthorizeUrl(Confidential, challenge: challenge));
        // The consent page shown before is dead too: its Allow no longer issues a code (its CSRF token was the session's).
        var allowed = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" });
        Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);

        // Enabling the account again does not revive the session.
        await Server.AdminAsync("", "users", "enable", Username);
        await AssertSignedOutAsync(browser, "/settings");
    }

    [Fact]
    public async Task ACodeIssuedBeforeTheAccountWasDisabledIsRefused()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);

        await Server.AdminAsync("", "users", "disable", Username);
        await OAuthError(await ExchangeAsync(Confidential, code, verifier), 400, "parameter_invalid", "invalid_grant");

        // Nor does it come alive with the account: it was spent on the refused attempt.
        await Server.AdminAsync("", "users", "enable", Username);
        await OAuthError(await ExchangeAsync(Confidential, code, verifier), 400, "parameter_invalid", "invalid_grant");
    }

    [Fact]
    public async Task APasswordChangeEndsTheSession()
    {
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/settings")).StatusCode);

        await Server.AdminAsync("a new password\n", "users", "set-password", Username);

        await AssertSignedOutAsync(browser, "/settings");
        await browser.SignInAsync(Username, "a new password");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/settings")).StatusCode);
    }

    [Fact]
    public async Task SigningOutEndsTheSessionForACopyOfTheCookieToo()
    {
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        using var copy = new Browser(Server.BaseAddress);
        foreach (Cookie cookie in browser.Cookies.GetAllCookies())
            copy.Cookies.Add(cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/settings")).StatusCode);

        var settings = await (await browser.GetAsync("/settings")).Content.ReadAsStringAsync();
        var signOutForm = settings[settings.IndexOf("<form method=\"post\" action=\"/signout\"", StringComparison.Ordinal)..];
        var signedOut = await browser.SubmitAsync(signOutForm);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);

        await AssertSignedOutAsync(copy, "/settings");
        await AssertSignedOutAsync(browser, "/settings");
    }

    private static async Task AssertSignedOutAsync(Browser browser, string path)
    {
        var response = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.OriginalString);
    }
}
