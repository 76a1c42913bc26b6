using System.Net;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>
/// Failures the API's own checks answer before the token and revocation endpoints run (a spent budget, a body over
/// the limit) carry both vocabularies there too (CONTRACT.md §6), and every other route keeps the plain form.
/// </summary>
public sealed class TokenEndpointBudgetTests : OAuthTestBase
{
    // A request naming no registered client draws on the source address's budget (one naming one: see below).
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["RateLimit:AnonymousPerMinute"] = "2",
        ["Limits:MaxBodyBytes"] = "4096",
    };

    private static FormUrlEncodedContent Exchange() => new([
        new("grant_type", "authorization_code"), new("code", "not-a-code"), new("redirect_uri", RedirectUri),
        new("client_id", "no-such-client"), new("client_secret", "x"), new("code_verifier", new string('a', 43)),
    ]);

    [Fact]
    public async Task ASpentBudgetAtTheTokenEndpointIsA429InBothVocabularies()
    {
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/token", Exchange()), 401, "client_id_invalid", "invalid_client");
        await OAuthError(await Server.Http.PostAsync("/v2/oauth/token", Exchange()), 401, "client_id_invalid", "invalid_client");
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

/// <summary>
/// A token or revocation request that names its client with HTTP Basic or a form field draws on that application's budget
/// and carries its RateLimit fields (CONTRACT.md §5), as a call with client_id in the query does.
/// </summary>
public sealed class TokenEndpointApplicationBudgetTests : OAuthTestBase
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["RateLimit:ApplicationPerMinute"] = "4",
    };

    [Fact]
    public async Task CredentialsInBasicOrTheFormSpendTheApplicationsBudget()
    {
        // One exchange with HTTP Basic, one with form fields, one revocation with each: the application's 4 requests.
        using var basic = await ExchangeAsync(Confidential, "not-a-code", new string('a', 43), basic: true);
        await OAuthError(basic, 400, "parameter_invalid", "invalid_grant");
        Assert.Equal("\"default\";q=4;w=60", basic.Headers.GetValues("RateLimit-Policy").Single());
        Assert.StartsWith("\"default\";r=3;", basic.Headers.GetValues("RateLimit").Single());

        using var form = await ExchangeAsync(Confidential, "not-a-code", new string('a', 43));
        await OAuthError(form, 400, "parameter_invalid", "invalid_grant");
        Assert.StartsWith("\"default\";r=2;", form.Headers.GetValues("RateLimit").Single());

        using var revokeBasic = await RevokeAsync(basic: true);
        Assert.Equal(System.Net.HttpStatusCode.OK, revokeBasic.StatusCode);
        Assert.StartsWith("\"default\";r=1;", revokeBasic.Headers.GetValues("RateLimit").Single());
        using var revokeForm = await RevokeAsync(basic: false);
        Assert.Equal(System.Net.HttpStatusCode.OK, revokeForm.StatusCode);
        Assert.StartsWith("\"default\";r=0;", revokeForm.Headers.GetValues("RateLimit").Single());

        // The application's budget is spent: its next call is refused wherever its client_id is.
        using var refused = await ExchangeAsync(Confidential, "not-a-code", new string('a', 43), basic: true);
        await OAuthError(refused, 429, "too_many_requests", "temporarily_unavailable");
        Assert.True(refused.Headers.Contains("RateLimit"));
        await ContractAssert.Error(await Server.Http.GetAsync($"/v2/status?client_id={Confidential.ClientId}"), "too_many_requests");
    }

    private Task<HttpResponseMessage> RevokeAsync(bool basic)
    {
        var fields = new Dictionary<string, string> { ["token"] = "no-such-token" };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/revoke");
        if (basic)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Confidential.ClientId}:{Confidential.Secret}")));
        else
            (fields["client_id"], fields["client_secret"]) = (Confidential.ClientId, Confidential.Secret!);
        request.Content = new FormUrlEncodedContent(fields);
        return Server.Http.SendAsync(request);
    }
}
