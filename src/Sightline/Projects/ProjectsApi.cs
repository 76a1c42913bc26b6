using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Community;
using Sightline.Contract;
using Sightline.Sequences;
using Sightline.Storage;

namespace Sightline.Projects;

/// <summary>
/// The caller's projects: <c>GET /v2/me/projects</c> (org:read) lists them, <c>PUT /v2/s/{key}/project</c> (org:write)
/// moves one of the caller's sequences, every image in it, into one of them or back out to public. The spec names the
/// scopes ("reading/changing the user's organizations and projects", §2.4) but no call; these are ours.
/// </summary>
public static class ProjectsApi
{
    public const string ProjectField = "project";

    public sealed record ProjectDto(string Key, string Name, string Owner, long CreatedAt);

    public sealed record ProjectList(IReadOnlyList<ProjectDto> Projects);

    public static void MapProjects(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v2/me").RequireScope(Scopes.OrgRead).WithTags("Projects")
            .MapGet("/projects", ListMyProjects)
            .WithName("ListMyProjects")
            .WithSummary("The token owner's projects")
            .WithDescription("org:read. projects[]: key, name, owner (username), created_at; every project the token owner is a member of, by key.");

        routes.MapGroup("/v2/s").RequireScope(Scopes.OrgWrite).WithTags("Projects")
            .MapPut("/{key}/project", MoveSequence)
            .WithName("MoveSequenceToProject")
            .WithSummary("Move one of your sequences into a project, or out to public")
            .WithDescription("org:write. Body {\"project\":\"KEY\"} (JSON) or project=KEY (form) makes the sequence and all its images private " +
                             "to that project (the caller must be a member); {\"project\":null}, {\"project\":\"\"} or project= makes them public. " +
                             "Only the sequence's owner can move it. Searches, tiles and STAC follow at once; shared caches may keep a public " +
                             "thumbnail up to a day.");
    }

    public static async Task<Ok<ProjectList>> ListMyProjects(Caller caller, IProjectStore projects)
    {
        var list = await projects.MembershipsAsync(caller.Token!.UserId);
        return TypedResults.Ok(new ProjectList(list.Select(p => new ProjectDto(p.Key, p.Name, p.OwnerUsername, p.CreatedAt)).ToList()));
    }

    public static async Task<Ok<ImageAccess.Acknowledgement>> MoveSequence(
        string key, HttpRequest request, Caller caller, ISequenceStore sequences, IProjectStore projects, CancellationToken cancellation)
    {
        var userId = caller.Token!.UserId;
        var (present, projectKey) = await RequestBody.OptionalTextFieldAsync(request, ProjectField, cancellation);
        if (!present)
            throw new ApiException(ErrorCode.ParameterMissing,
                $"{ProjectField} is required: a project key to move the sequence into, or null or \"\" to make it public.");
        if (!RandomKey.IsKeyShaped(key))
            throw ApiException.Invalid("key", "must be a sequence key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
        if (projectKey is not null && !IProjectStore.IsKeyShaped(projectKey))
            throw ApiException.Invalid(ProjectField, $"must be a project key of {IProjectStore.KeyRule}, or null or \"\" for public");

        // Someone else's sequence, or one private to a project its owner has left, is "not found", like any object the
        // caller may not reach: a private sequence's existence is never revealed.
        var sequence = await OwnSequenceAsync(key, userId, sequences, projects);
        long? target = null;
        if (projectKey is not null)
        {
            var project = await projects.FindAsync(projectKey);
            if (project is null || !await projects.IsMemberAsync(project.Id, userId))
                throw ApiException.NotFound($"Project '{projectKey}'");
            target = project.Id;
        }
        // A move is a swap from the project the sequence was read in: when a concurrent move (the owner's double click, or
        // "Move to" in two tabs) changed it first, the sequence is read and judged again, so the owner is never told their
        // sequence does not exist. Each failed swap means another move succeeded: the bound is reached only by more moves
        // at once than any owner makes.
        for (var attempt = 1; ; attempt++)
        {
            // Moving a sequence where it already is changes nothing (docs/imagery.md).
            if (sequence.ProjectId == target || await sequences.MoveToProjectAsync(sequence, target))
                return TypedResults.Ok(new ImageAccess.Acknowledgement());
            if (attempt == MoveAttempts)
                throw ApiException.NotFound($"Sequence '{key}'");
            sequence = await OwnSequenceAsync(key, userId, sequences, projects); // or merged into another meanwhile: not found
        }
    }

    private const int MoveAttempts = 16;

    private static async Task<ISequenceStore.Owned> OwnSequenceAsync(string key, long userId, ISequenceStore sequences, IProjectStore projects)
    {
        var sequence = await sequences.FindOwnedAsync(key, userId);
        if (sequence is null || (sequence.ProjectId is { } current && !await projects.IsMemberAsync(current, userId)))
            throw ApiException.NotFound($"Sequence '{key}'");
        return sequence;
    }
}
