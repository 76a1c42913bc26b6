namespace Sightline.Applications;

/// <summary>A registered application (OAuth client), identified on every call by its client_id.</summary>
public sealed record Application
{
    public long Id { get; init; }
    public string ClientId { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Enabled { get; init; }
    public bool AllowImplicit { get; init; }
    /// <summary>
    /// Implicit-flow answers go in the redirect's query instead of its fragment, for old clients that read the token from
    /// their local listener's request line (the JOSM Mapillary plugin): weaker, since the token then reaches server logs.
    /// </summary>
    public bool ImplicitInQuery { get; init; }
    public bool HasSecret { get; init; }

    /// <summary>
    /// Refuses a redirect URI no authorization answer may be sent to: not absolute (on Unix "/path" parses as an absolute
    /// file: URI), with a fragment (RFC 6749 §3.1.2), or of a scheme a browser runs or reads locally instead of delivering
    /// the answer to the application (javascript:, data:, ...: the code would go to a script in the authorizing page's
    /// stead). Web addresses, loopback ones included, and native apps' private-use schemes (RFC 8252 §7.1) are taken.
    /// </summary>
    public static void CheckRedirectUri(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.IsFile || parsed.Fragment.Length > 0)
            throw new ArgumentException($"redirect URI '{uri}' must be an absolute URI without a fragment");
        if (UnsafeSchemes.Contains(parsed.Scheme))
            throw new ArgumentException($"redirect URI '{uri}' must not be a {parsed.Scheme}: URI, which a browser would not deliver to the application");
    }

    private static readonly HashSet<string> UnsafeSchemes = new(StringComparer.OrdinalIgnoreCase)
    {
        "javascript", "data", "vbscript", "file", "blob", "about", "filesystem", "view-source",
    };
}
