using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Projects;
using Sightline.Storage;

using Sightline.Users;

namespace Sightline.Uploads;

/// <summary><c>/v2/me/uploads</c>: the token owner's uploads (our resolution of the spec's placeholder group, §5 item 33).</summary>
public static partial class UploadsApi
{
    private const int RecentFailures = 20;

    public static RouteGroupBuilder MapUploads(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/me/uploads").RequireScope(Scopes.PublicUpload).WithTags("Uploads");
        // The scope depends on the project parameter (public:upload, or private:upload with project=KEY), so the
        // route asks only for a client and PostImage judges the scope first thing, before any parameter.
        group.MapPost("/images/{key}", PostImage)
            .RequireOneOfScopes(Scopes.PublicUpload, Scopes.PrivateUpload)
            .WithName("UploadImage")
            .WithSummary("Upload a geotagged JPEG")
            .WithDescription("The body is the JPEG (Content-Type image/jpeg). {key} is chosen by the uploader (1-64 of A-Za-z0-9_-) " +
                             "and makes retries safe. lat, lon, ca and captured_at (epoch ms) override or fill in the EXIF. " +
                             "With project=KEY (scope private:upload, uploader a member) the image is private to that project. " +
                             "Answers once the original is durable; thumbnails and sequences follow from a queue.");
        group.MapGet("/secrets", GetSecrets)
            .WithName("GetUploadSecrets")
            .WithSummary("A signed upload policy")
            .WithDescription("images_policy (base64 JSON: user, expiry, size limit) and images_hash (its HMAC-SHA256), and videos_policy and " +
                             "videos_hash of the same form for a video store that accepts nothing yet. The image pair, passed as " +
                             "query parameters of the upload call, they stand in for the bearer token until the policy expires.");
        group.MapGet("/images/{key}", GetUpload)
            .RequireOneOfScopes(Scopes.PublicUpload, Scopes.PrivateUpload) // either will do: judged in GetUpload
            .WithName("GetUpload")
            .WithSummary("One upload's state")
            .WithDescription("The upload with this upload key: its image key, state (received, processing, done, failed) and " +
                             "failure reason. Lets an upload tool resume without sending bytes twice. Either upload scope will do; with " +
                             "project=KEY, private:upload, as the upload into that project needs.");
        group.MapDelete("/images/{key}", DeleteUpload)
            .WithName("DeleteUpload")
            .WithSummary("Withdraw an upload")
            .WithDescription("Removes the upload with this upload key (or the caller's upload that made the image with this image key), " +
                             "the image made from it and its files.");
        group.MapDelete("/images/{key}/file", DeleteOriginal)
            .WithName("DeleteUploadFile")
            .WithSummary("Remove an upload's original")
            .WithDescription("Removes only the stored original of the upload with this upload key (or the caller's upload that made the image " +
                             "with this image key); the thumbnails stay.");
        group.MapGet("/status", GetStatus)
            .WithName("GetUploadStatus")
            .WithSummary("The state of the caller's uploads")
            .WithDescription("Counts of the caller's uploads by state (received, processing, done, failed) and the most recent failures.");
        return group;
    }

    public static async Task<Ok<UploadDtos.Accepted>> PostImage(
        string key, HttpRequest request, Caller caller, UploadReceiver receiver, UploadPolicies policies, CancellationToken cancellation)
    {
        var projectKey = request.Query["project"].FirstOrDefault() is { Length: > 0 } project ? project : null;
        var (userId, maxBytes) = await UploaderAsync(request, caller, policies, projectKey);

        // A missing parameter is judged before an invalid one (CONTRACT.md §4): no body at all, whatever its
        // Content-Type, is the missing photo, before the key's shape and the media type are looked at.
        if (RequestBody.IsAbsent(request))
            throw ApiException.Missing("body (the JPEG file)");
        var uploadKey = UploadKey(key);
        if (projectKey is not null && !IProjectStore.IsKeyShaped(projectKey))
            throw ApiException.Invalid("project", $"must be a project key of {IProjectStore.KeyRule}");
        var given = PhotoParameters.From(request.Query);
        var imageKey = await receiver.ReceiveAsync(userId, uploadKey, projectKey, given, request, cancellation, maxBytes);
        return TypedResults.Ok(UploadDtos.Accepted.For(imageKey));
    }

    // The bearer token with the upload scope the call needs, or (public uploads only) a signed upload policy.
    private static async Task<(long UserId, long? MaxBytes)> UploaderAsync(HttpRequest request, Caller caller, UploadPolicies policies, string? projectKey)
    {
        var scope = projectKey is null ? Scopes.PublicUpload : Scopes.PrivateUpload;
        if (caller.Token is { } token)
            return token.HasScope(scope) ? (token.UserId, null) : throw ApiException.NeedsScope(scope, hasToken: true);
        if (projectKey is not null || !request.Query.ContainsKey("images_policy"))
            throw ApiException.NeedsScope(scope, hasToken: false);
        var (userId, maxBytes, clientId) = await policies.UploaderAsync(request.Query["images_policy"], request.Query["images_hash"])
            ?? throw new ApiException(ErrorCode.UserNotAuthenticated,
                "The upload policy is not signed by this server, has expired, or its account is disabled: fetch a new one from /v2/me/uploads/secrets.");
        // Bound like a token to the application it was issued to (CONTRACT.md §7).
        if (clientId is not null && clientId != caller.Application?.ClientId)
            throw new ApiException(ErrorCode.ClientIdDiffer, "The upload policy was issued to another application than this client_id.");
        return (userId, maxBytes);
    }

    public static async Task<Ok<UploadDtos.UploadState>> GetUpload(string key, HttpRequest request, Caller caller, IUploadStore uploads, UploadReceiver receiver)
    {
        // With project=KEY the question is the one a POST into that project asks, so it needs the same scope: an importer
        // learns up front that its token cannot upload into projects. Without it, either upload scope will do.
        var project = request.Query["project"].FirstOrDefault() is { Length: > 0 } given ? given : null;
        var allowed = project is null ? [Scopes.PublicUpload, Scopes.PrivateUpload] : new[] { Scopes.PrivateUpload };
        if (caller.Token is not { } token || !allowed.Any(token.HasScope))
            throw ApiException.NeedsScope(string.Join(" or ", allowed), hasToken: caller.Token is not null);
        var uploadKey = UploadKey(key);
        if (project is not null && !IProjectStore.IsKeyShaped(project))
            throw ApiException.Invalid("project", $"must be a project key of {IProjectStore.KeyRule}");
        var upload = await uploads.FindAsync(token.UserId, uploadKey) ?? throw ApiException.NotFound($"Upload '{key}'");
        // With project (as an importer resuming into a project asks): the upload is there only if its photo is in that project.
        if (project is not null)
            await receiver.CheckProjectAsync(upload, project, token.UserId);
        return TypedResults.Ok(new UploadDtos.UploadState(upload.UploadKey, upload.ImageKey, upload.ImageState, upload.Failure));
    }

    public static async Task<Ok<UploadDtos.Secrets>> GetSecrets(Caller caller, UploadPolicies policies, IUserStore users)
    {
        // The policy names the user by its public uuid: the numeric id is internal (a client holding the policy sees it).
        var user = await users.FindByIdAsync(caller.Token!.UserId) ?? throw new ApiException(ErrorCode.UserNotAuthenticated, "The token's user is gone.");
        var clientId = caller.Application!.ClientId;
        var (policy, hash) = await policies.IssueAsync(user.Uuid, clientId);
        var (videos, videosHash) = await policies.IssueAsync(user.Uuid, clientId, UploadPolicies.VideoStore);
        return TypedResults.Ok(new UploadDtos.Secrets(policy, hash, videos, videosHash));
    }

    public static async Task<Ok<UploadDtos.Acknowledgement>> DeleteUpload(string key, Caller caller, IUploadStore uploads, ImageFiles files)
    {
        var userId = caller.Token!.UserId;
        var removed = await uploads.DeleteAsync(userId, await UploadKeyOfAsync(key, userId, uploads))
            ?? throw ApiException.NotFound($"Upload '{key}'");
        await files.DeleteDerivativesAsync(removed.Upload.ImageKey);
        await files.RemoveOriginalAsync(removed.Original);
        return TypedResults.Ok(new UploadDtos.Acknowledgement());
    }

    public static async Task<Ok<UploadDtos.Acknowledgement>> DeleteOriginal(string key, Caller caller, IUploadStore uploads, ImageFiles files)
    {
        var userId = caller.Token!.UserId;
        var removed = await uploads.ForgetOriginalAsync(userId, await UploadKeyOfAsync(key, userId, uploads))
            ?? throw ApiException.NotFound($"Upload '{key}'");
        await files.RemoveOriginalAsync(removed.Original);
        return TypedResults.Ok(new UploadDtos.Acknowledgement());
    }

    public static async Task<Ok<UploadDtos.UploadStatus>> GetStatus(Caller caller, IUploadStore uploads)
    {
        var userId = caller.Token!.UserId;
        var counts = await uploads.CountByStateAsync(userId);
        var failures = await uploads.RecentFailuresAsync(userId, RecentFailures);
        long Count(ImageState state) => counts.GetValueOrDefault(ImageStates.Name(state));
        return TypedResults.Ok(new UploadDtos.UploadStatus(
            Count(ImageState.Received), Count(ImageState.Processing), Count(ImageState.Done), Count(ImageState.Failed),
            failures.Select(f => new UploadDtos.UploadFailure(f.UploadKey, f.ImageKey, f.Reason, f.At)).ToList()));
    }

    // The spec's table names the path key of the two DELETEs "key (path, image)": the uploader's own upload key is taken
    // first (what upload tools know), else the key of an image one of their uploads made (what a client that only
    // searched, such as the web app's "my photos", knows). Unknown either way: the upload key, for the 404.
    private static async Task<string> UploadKeyOfAsync(string key, long userId, IUploadStore uploads)
    {
        var uploadKey = UploadKey(key);
        if (await uploads.FindAsync(userId, uploadKey) is null && RandomKey.IsKeyShaped(key) && await uploads.FindByImageAsync(userId, key) is { } made)
            return made.UploadKey;
        return uploadKey;
    }

    private static string UploadKey(string key) =>
        UploadKeyPattern().IsMatch(key) ? key : throw ApiException.Invalid("key", "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'");

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex UploadKeyPattern();
}
