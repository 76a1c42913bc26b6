using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Sightline.Access;
using Sightline.Tokens;

namespace Sightline.OAuth;

/// <summary>
/// <c>POST /v2/oauth/token</c>: the code exchange. OpenIddict has already authenticated the client
/// (through <see cref="OpenIddictHandlers.AuthenticateTokenClient"/>) and validated the code: its
/// lifetime, client, redirect URI and PKCE verifier. Here the code is spent once and our token issued.
/// </summary>
public static class TokenApi
{
    public const string RelativePath = "v2/oauth/token";

    /// <summary>RFC 6749 §5.1; expires_in only when tokens are configured to expire (spec §5 item 10: by default they never do).</summary>
    public sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("scope")] string Scope,
        [property: JsonPropertyName("expires_in"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ExpiresIn = null);

    public static IEndpointRouteBuilder MapTokenApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/" + RelativePath, Exchange)
            .AcceptClientCredentials()
            .WithMetadata(OAuthErrors.Failures)
            .WithTags("OAuth")
            .Produces<TokenResponse>()
            .WithName("ExchangeCode")
            .WithSummary("Exchanges an authorization code for an access token")
            .WithDescription("Form fields grant_type=authorization_code, code, redirect_uri, client_id, client_secret (or HTTP Basic) and code_verifier.");
        return routes;
    }

    public static async Task<IResult> Exchange(HttpContext context, ITokenStore tokens, ICodeRedemptions redemptions, Users.IUserStore users,
        IOptions<TokenLifetimeOptions> lifetime)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("OpenIddict did not handle the token request.");
        if (!request.IsAuthorizationCodeGrantType())
            return Refuse("unsupported_grant_type", "grant_type must be authorization_code.");
        var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (result.Principal is not { } principal)
            return Refuse(OAuthErrors.InvalidGrant, "The authorization code is not valid.");

        var code = request.Code!;
        var (first, earlierTokenId) = await redemptions.ClaimAsync(code);
        if (!first)
        {
            // RFC 6749 §4.1.2: a code used twice suggests it was stolen; what it bought is withdrawn.
            if (earlierTokenId is { } id)
                await tokens.RevokeByIdAsync(id);
            return Refuse(OAuthErrors.InvalidGrant, "The authorization code was already used; the token issued for it is revoked.");
        }

        var userId = long.Parse(principal.GetClaim(OpenIddictConstants.Claims.Subject)!, CultureInfo.InvariantCulture);
        var applicationId = long.Parse(principal.GetClaim(ConnectPages.ApplicationClaim)!, CultureInfo.InvariantCulture);
        // The person may have been disabled or deleted since consenting: the code is spent (claimed above) and buys nothing,
        // else its token would come alive if the account were ever enabled again.
        if (await users.FindByIdAsync(userId) is not { DisabledAt: null, DeletedAt: null })
            return Refuse(OAuthErrors.InvalidGrant, "The authorization code is no longer valid: its account cannot sign in.");
        // A person who revoked the application's access at /settings after this code was issued voids it too: otherwise the
        // application would undo the revocation by redeeming a code it already holds. (A token the application revokes
        // itself, RFC 7009, is no such revocation and voids nothing here.)
        if (await tokens.GrantRevokedAtAsync(userId, applicationId) is { } revokedAt && IssuedAt(principal) <= revokedAt)
            return Refuse(OAuthErrors.InvalidGrant, "The authorization code is no longer valid: the person revoked this application's access after it was issued.");
        var scopes = principal.GetScopes().ToList();
        var issued = await tokens.IssueWithIdAsync(userId, applicationId, scopes, lifetime.Value.ExpiresAt(DateTimeOffset.UtcNow));
        if (!await redemptions.AttachTokenAsync(code, issued.Id))
        {
            await tokens.RevokeByIdAsync(issued.Id); // a replay raced this redemption
            return Refuse(OAuthErrors.InvalidGrant, "The authorization code was already used; the token issued for it is revoked.");
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        return TypedResults.Json(new TokenResponse(issued.Value, "bearer", string.Join(' ', scopes), lifetime.Value.ExpiresIn));
    }

    // When the code was issued (epoch ms): our own claim, or OpenIddict's whole-second creation date for a code issued before
    // the claim existed (never later than the truth, so a code issued before a revocation is never taken for a later one).
    private static long IssuedAt(System.Security.Claims.ClaimsPrincipal code) =>
        long.TryParse(code.GetClaim(ConnectPages.IssuedAtClaim), CultureInfo.InvariantCulture, out var issued) ? issued
        : code.GetCreationDate()?.ToUnixTimeMilliseconds() ?? 0;

    // OpenIddict writes the error (through OpenIddictHandlers, so it carries both vocabularies).
    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
