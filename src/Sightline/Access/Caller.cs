using Microsoft.Extensions.Primitives;
using Sightline.Applications;
using Sightline.Storage;
using Sightline.Tokens;

namespace Sightline.Access;

/// <summary>What the request says about who is calling: the application and the user token, as found in the store.</summary>
public sealed class Caller
{
    /// <summary>
    /// The <c>client_id</c> query parameter as sent; null or empty when absent. At the OAuth token and revocation endpoints,
    /// without one in the query, the client_id of the request's credentials (<see cref="CredentialsClientId"/>).
    /// </summary>
    public string? ClientId { get; private init; }

    /// <summary>The enabled application named by <c>client_id</c>; null when missing, unknown or disabled.</summary>
    public Application? Application { get; private init; }

    public bool HasAuthorizationHeader { get; private init; }

    /// <summary>The valid token from the <c>Authorization</c> header; null when absent, malformed, unknown or revoked.</summary>
    public AccessToken? Token { get; private init; }

    /// <summary>Binds a handler parameter of this type to the caller resolved by <see cref="BudgetMiddleware"/>.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult(context.Features.Get<Caller>());

    public static Caller From(HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("BudgetMiddleware has not run");

    public static async ValueTask<Caller> ResolveAsync(HttpContext context, ApplicationCache applications, TokenCache tokens)
    {
        var clientId = context.Request.Query["client_id"].FirstOrDefault();
        // The OAuth endpoints take the client from its credentials when the query names none (RFC 6749 §2.3.1).
        if (string.IsNullOrEmpty(clientId) && context.GetEndpoint()?.Metadata.GetOrderedMetadata<AccessPolicy>().LastOrDefault() is { ClientAuthenticatesItself: true })
            clientId = await CredentialsClientId.FindAsync(context.Request);
        Application? application = null;
        if (RandomKey.IsKeyShaped(clientId))
        {
            application = await applications.FindAsync(clientId!);
            if (application is { Enabled: false })
                application = null;
        }

        var authorization = context.Request.Headers.Authorization;
        AccessToken? token = null;
        if (BearerToken(authorization) is { } bearer)
            token = await tokens.FindActiveAsync(bearer);

        return new Caller
        {
            ClientId = clientId,
            Application = application,
            HasAuthorizationHeader = authorization.Count > 0,
            Token = token,
        };
    }

    // RFC 6750 §2.1: exactly one "Bearer <b64token>" header.
    private static string? BearerToken(StringValues header)
    {
        if (header.Count != 1 || header[0] is not { } value)
            return null;
        const string scheme = "Bearer ";
        if (value.Length <= scheme.Length || value.Length > 512 || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        var token = value[scheme.Length..].Trim();
        var body = token.TrimEnd('=');
        if (body.Length == 0 || !body.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/'))
            return null;
        return token;
    }
}
