using System.Text.Json;
using System.Text.Json.Nodes;
using Sightline.Access;
using Sightline.Complaints;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Sequences;
using Sightline.Storage;

namespace Sightline.Stac;

/// <summary>
/// <c>POST /api/reports</c>: Panoramax's "report a problem" becomes a Sightline complaint about the photo (or about the
/// sequence's first photo), in the moderators' queue beside those filed through <c>/v2/im/{key}/complain</c>.
/// </summary>
public static class ReportsApi
{
    public static readonly IReadOnlyList<string> Issues =
        ["blur_missing", "blur_excess", "inappropriate", "privacy", "picture_low_quality", "mislocated", "copyright", "other"];

    public static void MapStacReports(this RouteGroupBuilder api) =>
        api.MapPost("/reports", Report)
            .WithName("StacReport")
            .WithSummary("Report a problem with a photo or a sequence")
            .WithDescription("JSON body: issue (" + string.Join(", ", Issues) + "), picture_id or sequence_id, and optionally reporter_email and " +
                             "reporter_comments. Filed as a complaint for the moderators; with a token it records the user.");

    public static async Task<IResult> Report(HttpRequest request, Caller caller, IImageStore images, ISequenceStore sequences, IComplaintStore complaints,
        StacApplication application, CancellationToken cancellation)
    {
        var body = await RequestBody.JsonObjectAsync(request, cancellation);
        var issue = Text(body, "issue") ?? throw ApiException.Missing("issue");
        var pictureId = Text(body, "picture_id");
        var sequenceId = Text(body, "sequence_id");
        if (pictureId is null && sequenceId is null)
            throw ApiException.Missing("picture_id");
        if (!Issues.Contains(issue))
            throw ApiException.Invalid("issue", "must be one of " + string.Join(", ", Issues));
        var comments = Text(body, "reporter_comments") ?? "";
        var email = Text(body, "reporter_email");
        var text = $"[{issue}] {comments}".Trim() + (email is null ? "" : $" (reporter: {email})");
        if (text.EnumerateRunes().Count() > ComplaintsApi.MaxLength)
            throw ApiException.Invalid("reporter_comments", $"must keep the report under {ComplaintsApi.MaxLength} characters");

        var viewer = Viewer.Of(caller);
        Image image;
        if (pictureId is not null)
        {
            Key("picture_id", pictureId);
            image = await images.FindVisibleAsync(pictureId, viewer) ?? throw ApiException.NotFound($"Picture '{pictureId}'");
        }
        else
        {
            Key("sequence_id", sequenceId!);
            var sequence = await sequences.FindVisibleAsync(sequenceId!, viewer) ?? throw ApiException.NotFound($"Sequence '{sequenceId}'");
            image = sequence.Images[0];
            text = $"[sequence {sequence.Key}] {text}";
        }
        var applicationId = caller.Token?.ApplicationId ?? await application.IdAsync();
        var key = await complaints.FileAsync(image, caller.Token?.UserId, applicationId, text);
        return StacResults.Json(new JsonObject
        {
            ["id"] = key,
            ["issue"] = issue,
            ["status"] = "open",
            ["picture_id"] = image.Key,
            ["sequence_id"] = image.SequenceKey,
        });
    }

    private static string? Text(JsonElement body, string field)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw ApiException.Invalid(field, "must be a string");
        return value.GetString() is { Length: > 0 } text ? text : null;
    }

    private static void Key(string name, string value)
    {
        if (!RandomKey.IsKeyShaped(value))
            throw ApiException.Invalid(name, "must be a key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
    }
}
