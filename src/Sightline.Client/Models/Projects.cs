namespace Sightline.Client.Models;

/// <summary>A project the token owner is a member of, from <c>GET /v2/me/projects</c>.</summary>
public sealed record Project
{
    /// <summary>The project's key, as uploads and searches take it (<c>project=KEY</c>).</summary>
    public string Key { get; init; } = "";

    /// <summary>The project's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The username of the project's owner.</summary>
    public string Owner { get; init; } = "";

    /// <summary>When the project was made, milliseconds since the Unix epoch.</summary>
    public long CreatedAt { get; init; }
}

internal sealed record ProjectsEnvelope
{
    public IReadOnlyList<Project>? Projects { get; init; }
}
