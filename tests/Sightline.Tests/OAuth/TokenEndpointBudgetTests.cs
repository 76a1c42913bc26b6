using System.Net;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>
/// Failures the API's own checks answer before the token and revocation endpoints run (a spent budget, a body over
/// the limit) carry both vocabularies there too (CONTRACT.md §6), and every other route keeps the plain form.
/// </summary>
public sealed class TokenEndpointBudgetTests : OAuthTestBase
{
    // The token endpoint takes client_id from the body, so it draws on the source address's budget.
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["RateLimit:AnonymousPerMinute"] = "2",
        ["Limits:MaxBodyBytes"] = "4096",
    };

    private FormUrlEncodedContent Exchange() => new([
        new("grant_type", "authorization_code"), new("code", "not-a-code"), new("redirect_uri", RedirectUri),
        new("client_id", Confidential.ClientId), new("client_secret", Confidential.Secret!), new("code_verifier", new string('a', 43)),
    ]);

    [Fact]
    public async Task ASpentBudgetAtTheTokenEndpointIsA429InBothVocabularies()
    {
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/token", Exchange()), 400, "parameter_invalid", "invalid_grant");
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/token", Exchange()), 400, "parameter_invalid", "invalid_grant");
        using var refused = await Server.Http.PostAsync("/v2/oauth/token", Exchange());
        Assert.True(refused.Headers.RetryAfter is not null, "Retry-After on the 429");
        await OAuthError(refused, 429, "too_many_requests", "temporarily_unavailable");
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/revoke", new FormUrlEncodedContent([new("token", "x")])),
            429, "too_many_requests", "temporarily_unavailable");
        // Elsewhere the same budget's refusal is the plain contract body.
        Assert.Contains("budget", await ContractAssert.Error(await Server.Http.GetAsync("/v2/status"), "too_many_requests"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ABodyOverTheLimitAtTheTokenEndpointIsA400InBothVocabularies()
    {
        var padded = new FormUrlEncodedContent([new("grant_type", "authorization_code"), new("code", new string('x', 8000))]);
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/token", padded), 400, "parameter_invalid", "invalid_request");
    }
}
