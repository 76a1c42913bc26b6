using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Community;
using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Complaints;

/// <summary>
/// <c>POST /v2/im/{key}/complain</c> (spec §3.1, §5 item 20), and the moderators' queue <c>/v2/complaints</c>
/// (ours: mapillary:admin), also reachable as <c>sightline complaints list|resolve</c>.
/// </summary>
public static class ComplaintsApi
{
    public const int MaxLength = 2000;
    public const int MaxPage = 1000;

    public sealed record ComplaintDto(string Key, string Mkey, string Cm, string? User, string State, long CreatedAt, string? ResolvedBy, long? ResolvedAt);

    public sealed record ComplaintList(IReadOnlyList<ComplaintDto> Complaints, bool More);

    public static void MapComplaints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v2/im").RequireClient().WithTags("Complaints")
            .MapPost("/{key}/complain", Complain)
            .WithName("ComplainAboutImage")
            .WithSummary("Complain about an image")
            .WithDescription("Body {\"cm\":\"...\"} (JSON) or cm=... (form), 1 to 2000 characters. A client_id suffices; " +
                             "with a token the complaint records its user.");

        var queue = routes.MapGroup("/v2/complaints").RequireScope(Scopes.MapillaryAdmin).WithTags("Complaints");
        queue.MapGet("", ListComplaints)
            .WithName("ListComplaints")
            .WithSummary("The complaints queue")
            .WithDescription("mapillary:admin. state=open (default), upheld, dismissed or all; limit (1-1000, default 100), page (from 0). " +
                             "complaints[]: key, mkey, cm, user (null when filed without a token), state, created_at, resolved_by, resolved_at; more.");
        queue.MapPost("/{key}", ResolveComplaint)
            .WithName("ResolveComplaint")
            .WithSummary("Resolve a complaint")
            .WithDescription("mapillary:admin. decision=uphold hides the image everywhere; decision=dismiss leaves it.");
    }

    public static async Task<Ok<ImageAccess.Acknowledgement>> Complain(
        string key, HttpRequest request, Caller caller, IImageStore images, IComplaintStore complaints, CancellationToken cancellation)
    {
        // A missing parameter is judged before an invalid one (CONTRACT.md §4), the key's shape included.
        var text = await RequestBody.TextFieldAsync(request, "cm", cancellation) ?? throw ApiException.Missing("cm");
        ImageAccess.ImageKey(key);
        if (text.EnumerateRunes().Count() > MaxLength)
            throw ApiException.Invalid("cm", $"must be 1 to {MaxLength} characters long");
        if (string.IsNullOrWhiteSpace(text))
            throw ApiException.Invalid("cm", "must hold some text, not only spaces");
        var image = await ImagesApi.FindAsync(key, Viewer.Of(caller), images);
        await complaints.FileAsync(image, caller.Token?.UserId, caller.Application!.Id, text);
        return TypedResults.Ok(new ImageAccess.Acknowledgement());
    }

    public static async Task<Ok<ComplaintList>> ListComplaints(HttpRequest request, IComplaintStore complaints)
    {
        var state = request.Query["state"].FirstOrDefault() is { Length: > 0 } given ? given : "open";
        if (state != "all" && !IComplaintStore.States.Contains(state))
            throw ApiException.Invalid("state", "must be open, upheld, dismissed or all");
        var limit = Parameters.Limit(request.Query["limit"], MaxPage, 100);
        var page = Parameters.Integer("page", request.Query["page"], 0, 1_000_000, 0);
        var rows = await complaints.ListAsync(state == "all" ? null : state, limit + 1, page * limit);
        var list = rows.Take(limit)
            .Select(c => new ComplaintDto(c.Key, c.ImageKey, c.Text, c.Username, c.State, c.CreatedAt, c.ResolvedBy, c.ResolvedAt)).ToList();
        return TypedResults.Ok(new ComplaintList(list, rows.Count > limit));
    }

    public static async Task<Ok<ImageAccess.Acknowledgement>> ResolveComplaint(string key, HttpRequest request, Caller caller, IComplaintStore complaints)
    {
        ImageAccess.ImageKey(key);
        var decision = ParseDecision(request.Query["decision"].FirstOrDefault());
        if (!await complaints.ResolveAsync(key, caller.Token!.UserId, decision))
            throw ApiException.NotFound($"Open complaint '{key}'");
        return TypedResults.Ok(new ImageAccess.Acknowledgement());
    }

    public static ComplaintDecision ParseDecision(string? raw) => raw switch
    {
        null or "" => throw ApiException.Missing("decision"),
        "uphold" => ComplaintDecision.Uphold,
        "dismiss" => ComplaintDecision.Dismiss,
        _ => throw ApiException.Invalid("decision", "must be uphold or dismiss"),
    };
}
