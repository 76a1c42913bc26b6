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
}
