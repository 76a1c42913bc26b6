using System.Net;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>A token issued with a lifetime stops working when it runs out, with nothing committed in between.</summary>
public sealed class TokenExpiryTests : OAuthTestBase
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["OAuth:TokenLifetimeSeconds"] = "8", // long enough for two calls on a busy machine
    };

    [Fact]
    public async Task AnExpiredTokenIsRefusedEvenWhereItWasJustAccepted()
    {
        using var browser = new Browser(Server.BaseAddress);
        var (verifier, challenge) = Browser.NewPkce();
        var code = await AuthorizeAsync(browser, Confidential, challenge);
        var issued = DateTime.UtcNow;
        var token = await TokenOf(await ExchangeAsync(Confidential, code, verifier));
        var first = await GetMeAsync(Confidential.ClientId, token);
        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await GetMeAsync(Confidential.ClientId, token)).StatusCode); // remembered now

        // Nothing is written meanwhile: only the clock says it is over.
        var over = issued.AddSeconds(8.5) - DateTime.UtcNow;
        if (over > TimeSpan.Zero)
            await Task.Delay(over);
        await ContractAssert.Error(await GetMeAsync(Confidential.ClientId, token), "user_not_authenticated");
    }
}
