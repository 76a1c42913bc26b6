using System.Security.Cryptography;
using System.Text;

namespace Sightline.Client.OAuth;

/// <summary>A PKCE pair (RFC 7636): the secret verifier the application keeps, and its S256 challenge sent to <c>/connect</c>.</summary>
public sealed record Pkce
{
    /// <summary>The code verifier: 43 characters of base64url from 32 random bytes; kept until the code exchange.</summary>
    public string Verifier { get; init; } = "";

    /// <summary>The code challenge: base64url of the verifier's SHA-256.</summary>
    public string Challenge { get; init; } = "";

    /// <summary>The challenge method, always <c>S256</c>.</summary>
    public string Method => "S256";

    /// <summary>A new random pair.</summary>
    /// <returns>The pair.</returns>
    public static Pkce Create() => FromVerifier(Base64Url(RandomNumberGenerator.GetBytes(32)));

    /// <summary>The pair for a given verifier (RFC 7636 §4.1: 43 to 128 characters of <c>A-Z a-z 0-9 - . _ ~</c>).</summary>
    /// <param name="verifier">The verifier.</param>
    /// <returns>The pair.</returns>
    public static Pkce FromVerifier(string verifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(verifier);
        if (verifier.Length is < 43 or > 128 || !verifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'))
            throw new ArgumentException("A PKCE verifier is 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'.", nameof(verifier));
        return new Pkce { Verifier = verifier, Challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) };
    }

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A prepared authorization: the <c>/connect</c> URL to send the person's browser to, and what to keep until the redirect comes back.</summary>
public sealed record AuthorizationRequest
{
    /// <summary>The absolute <c>/connect</c> URL with <c>client_id</c>, <c>response_type=code</c>, scopes, <c>state</c> and the PKCE challenge.</summary>
    public Uri Url { get; init; } = null!;

    /// <summary>The <c>state</c> sent; the redirect must bring it back unchanged.</summary>
    public string State { get; init; } = "";

    /// <summary>The PKCE pair; its verifier goes to the code exchange.</summary>
    public Pkce Pkce { get; init; } = new();

    /// <summary>The redirect URI sent; the code exchange must name the same one.</summary>
    public Uri RedirectUri { get; init; } = null!;
}

/// <summary>The token endpoint's answer (RFC 6749 §5.1).</summary>
public sealed record TokenResponse
{
    /// <summary>The bearer token: pass it to <see cref="SightlineClient.WithAccessToken"/>.</summary>
    public string AccessToken { get; init; } = "";

    /// <summary>Always <c>bearer</c>.</summary>
    public string TokenType { get; init; } = "";

    /// <summary>The scopes granted, separated by spaces (the person may have granted fewer than asked).</summary>
    public string Scope { get; init; } = "";

    /// <summary>Seconds until the token expires; null when tokens never expire (the default).</summary>
    public int? ExpiresIn { get; init; }
}
