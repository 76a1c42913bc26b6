namespace Sightline.Applications;

/// <summary>A registered application (OAuth client), identified on every call by its client_id.</summary>
public sealed record Application
{
    public long Id { get; init; }
    public string ClientId { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Enabled { get; init; }
    public bool AllowImplicit { get; init; }
    public bool HasSecret { get; init; }
}
