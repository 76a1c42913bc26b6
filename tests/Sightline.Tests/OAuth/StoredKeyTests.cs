using System.Net;

namespace Sightline.Tests.OAuth;

/// <summary>OpenIddict's keys are stored, not made per process: what one process issued, another accepts.</summary>
public sealed class StoredKeyTests : OAuthTestBase
{
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
