namespace Sightline.OAuth;

/// <summary>Lifetime of the tokens /connect and the token endpoint issue (configuration section <c>OAuth</c>).</summary>
public sealed class TokenLifetimeOptions
{
    /// <summary>Seconds a token lives; unset (the default), tokens never expire, as the v2 API documents.</summary>
    public int? TokenLifetimeSeconds { get; set; }

    /// <summary>The expires_in of a token response: absent unless tokens expire.</summary>
    public int? ExpiresIn => TokenLifetimeSeconds is > 0 ? TokenLifetimeSeconds : null;

    public DateTimeOffset? ExpiresAt(DateTimeOffset now) =>
        TokenLifetimeSeconds is { } seconds and > 0 ? now.AddSeconds(seconds) : null;
}
