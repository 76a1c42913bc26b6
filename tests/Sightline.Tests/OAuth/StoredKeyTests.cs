using System.Net;

namespace Sightline.Tests.OAuth;

/// <summary>OpenIddict's keys are stored, not made per process: what one process issued, another accepts.</summary>
public sealed class StoredKeyTests : OAuthTestBase
{
    // A restarted test server listens on another port; a fixed public address (as behind a reverse proxy, where
    // several nodes share one) keeps the issuer that the code was issued under.
    protected override IReadOnlyDictionary<string, string?>? Configuration =>
        new Dictionary<string, string?> { ["OAuth:Issuer"] = "https://sightline.example.org" };

    [Fact]
    public async Task ACodeIssuedBeforeARestartIsExchangedAfterIt()
    {
        string code;
        var (verifier, challenge) = Browser.NewPkce();
        using (var browser = new Browser(Server.BaseAddress))
            code = await AuthorizeAsync(browser, Confidential, challenge);

        await RestartServerAsync();

        var response = await ExchangeAsync(Confidential, code, verifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, await TokenOf(response))).StatusCode);
    }
}
