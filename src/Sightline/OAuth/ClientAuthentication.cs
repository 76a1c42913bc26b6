using System.Text;
using Sightline.Applications;

namespace Sightline.OAuth;

/// <summary>
/// Authenticates an OAuth client at the token and revocation endpoints (RFC 6749 §2.3.1): a
/// confidential client proves its secret, as form fields or HTTP Basic; a public client sends only its id.
/// </summary>
public sealed class ClientAuthentication(IApplicationStore applications)
{
    public sealed record Outcome(Application? Application, string? Error, string? Description)
    {
        public static Outcome Refused(string error, string description) => new(null, error, description);
    }

    /// <summary>
    /// The description of the one <c>invalid_client</c> refusal that is the catalogue's <c>client_id_missing</c> rather
    /// than <c>client_id_invalid</c> (CONTRACT.md §3: no client_id at all).
    /// </summary>
    public const string MissingClientId = "client_id is missing: send it as a form field or with HTTP Basic authentication.";

    /// <summary>The refusal of an Authorization header that is not HTTP Basic credentials, at both OAuth endpoints.</summary>
    public const string NotBasic = "The Authorization header must be HTTP Basic with the client_id and secret.";

    /// <summary>True when <paramref name="header"/> is HTTP Basic carrying a client_id and a secret (RFC 6749 §2.3.1).</summary>
    public static bool IsBasic(string header) =>
        header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && TryParseBasic(header[6..].Trim()) is not null;

    /// <summary>The client_id of an HTTP Basic Authorization header; null when it is not one.</summary>
    public static string? BasicClientId(string header) =>
        header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) ? TryParseBasic(header[6..].Trim())?.ClientId : null;

    /// <summary>Verifies an already parsed client_id and secret (OpenIddict parses them at the token endpoint).</summary>
    public async Task<Outcome> VerifyAsync(string? clientId, string? secret)
    {
        if (string.IsNullOrEmpty(clientId))
            return Outcome.Refused(OAuthErrors.InvalidClient, MissingClientId);
        var application = await applications.FindAsync(clientId);
        if (application is not { Enabled: true })
            return Outcome.Refused(OAuthErrors.InvalidClient, "client_id is not a registered, enabled application.");
        if (application.HasSecret)
        {
            if (string.IsNullOrEmpty(secret) || !await applications.VerifySecretAsync(clientId, secret))
                return Outcome.Refused(OAuthErrors.InvalidClient, "The client secret is missing or wrong.");
        }
        else if (!string.IsNullOrEmpty(secret))
        {
            // A public client has no secret; one that sends a secret is not who it says it is.
            return Outcome.Refused(OAuthErrors.InvalidClient, "This application is a public client and has no secret.");
        }
        return new Outcome(application, null, null);
    }

    /// <summary>Reads the credentials from HTTP Basic or the form, never both, and verifies them.</summary>
    public async Task<Outcome> AuthenticateAsync(HttpRequest request, IFormCollection form)
    {
        string? clientId = form["client_id"].FirstOrDefault(), secret = form["client_secret"].FirstOrDefault();
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is not null)
        {
            if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) || TryParseBasic(header[6..].Trim()) is not { } basic)
                return Outcome.Refused(OAuthErrors.InvalidClient, NotBasic);
            if (!string.IsNullOrEmpty(secret) || (!string.IsNullOrEmpty(clientId) && clientId != basic.ClientId))
                return Outcome.Refused(OAuthErrors.InvalidRequest, "Send client credentials either with HTTP Basic or as form fields, not both.");
            (clientId, secret) = basic;
        }
        return await VerifyAsync(clientId, secret);
    }

    // RFC 6749 §2.3.1: client_id and secret are form-urlencoded before the Base64 of Basic.
    private static (string ClientId, string Secret)? TryParseBasic(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':');
            if (colon <= 0)
                return null;
            return (Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')), Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
