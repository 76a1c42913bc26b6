namespace Sightline.Tokens;

/// <summary>A user's grant to one application, with its scopes; only its hash is stored.</summary>
public sealed record AccessToken
{
    public long Id { get; init; }
    public long UserId { get; init; }
    public long ApplicationId { get; init; }
    public string ClientId { get; init; } = "";
    /// <summary>Space-separated scope list.</summary>
    public string Scopes { get; init; } = "";
    /// <summary>Epoch milliseconds after which the token is refused; null for never.</summary>
    public long? ExpiresAt { get; init; }

    public bool HasScope(string scope) =>
        Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal);
}
