using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>The projects the token owner is a member of, by key (<c>GET /v2/me/projects</c>, <c>org:read</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The projects.</returns>
    [SightlineRoute("GET", "/v2/me/projects")]
    public async Task<IReadOnlyList<Project>> GetMyProjectsAsync(CancellationToken cancellationToken = default) =>
        (await GetJsonAsync<ProjectsEnvelope>("v2/me/projects", null, cancellationToken).ConfigureAwait(false)).Projects ?? [];

    /// <summary>
    /// Moves one of the token owner's sequences, every image in it, into a project they are a member of, or out to public
    /// (<c>PUT /v2/s/{key}/project</c>, <c>org:write</c>).
    /// </summary>
    /// <param name="sequenceKey">The sequence key.</param>
    /// <param name="projectKey">The project to move it into; null to make it public.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    /// <remarks>Someone else's sequence, and a project the caller is not a member of, are <c>not_found</c>. Repeating the call is harmless.</remarks>
    [SightlineRoute("PUT", "/v2/s/{key}/project")]
    public Task<WriteAcknowledgement> MoveSequenceToProjectAsync(string sequenceKey, string? projectKey, CancellationToken cancellationToken = default) =>
        // The empty key, not null: the SDK leaves null properties out of bodies, and an absent field is parameter_missing.
        WriteAsync(HttpMethod.Put, "v2/s/" + Segment(sequenceKey, nameof(sequenceKey)) + "/project", new { project = projectKey ?? "" },
            repeatable: true, cancellationToken);
}
