using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Places;
using Sightline.Users;

namespace Sightline.Feeds;

/// <summary><c>GET /v2/me/feed</c> and <c>GET /v2/u/{user}/feed</c> (spec §3.5, §3.6, §5 items 35-36).</summary>
public static class FeedsApi
{
    public const int DefaultLimit = 20, MaxLimit = 1000;

    /// <summary>A feed event (spec §1.7 FE). <c>version</c> is the event's id: it only grows, so it bounds a page.</summary>
    public sealed record EventDto(
        string Action, long Timestamp, string Object, string Key, string User, string OtherUser, string ImageUrl,
        string MainDescription, string DetailDescription, string Location, long Version);

    public sealed record FeedDto(IReadOnlyList<EventDto> Feed, bool More);

    private const string Description =
        "feed[]: action (uploaded, commented, blur_requested, blur_applied, complaint_resolved), timestamp, object (image, comment, " +
        "blur, complaint), key (that object's key; a blur's key is its image's), user (actor), other_user, image_url, main_description, " +
        "detail_description, location, version; newest first; more. version: only events of this version or lower; limit (1-1000, " +
        "default 20), page (from 0). Events about images the caller may not see are left out.";

    public static void MapFeeds(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v2/me").RequireClient().WithTags("Feeds")
            .MapGet("/feed", GetMyFeed)
            .RequireScope(Scopes.UserRead)
            .WithName("GetMyFeed")
            .WithSummary("The token owner's activity feed")
            .WithDescription("user:read. " + Description + " Also shows how complaints the owner filed or decided were resolved.");
        routes.MapGroup("/v2/u").RequireClient().WithTags("Feeds")
            .MapGet("/{user}/feed", GetUserFeed)
            .WithName("GetUserFeed")
            .WithSummary("A user's activity feed")
            .WithDescription(Description);
    }

    public static async Task<Ok<FeedDto>> GetMyFeed(HttpRequest request, Caller caller, IFeedStore feeds) =>
        TypedResults.Ok(await ReadAsync(request, caller.Token!.UserId, Viewer.Of(caller), ownFeed: true, feeds));

    public static async Task<Ok<FeedDto>> GetUserFeed(string user, HttpRequest request, Caller caller, IUserStore users, IFeedStore feeds)
    {
        if (!Usernames.IsValid(user))
            throw ApiException.Invalid("user", $"must be a username of {Usernames.Rule}");
        var paging = Paging(request);
        var found = await users.FindByUsernameAsync(user) is { DeletedAt: null } live ? live : throw ApiException.NotFound($"User '{user}'");
        return TypedResults.Ok(await ReadAsync(paging, found.Id, Viewer.Of(caller), ownFeed: false, feeds));
    }

    private static Task<FeedDto> ReadAsync(HttpRequest request, long userId, Viewer viewer, bool ownFeed, IFeedStore feeds) =>
        ReadAsync(Paging(request), userId, viewer, ownFeed, feeds);

    private static async Task<FeedDto> ReadAsync((long? Version, int Limit, int Page) paging, long userId, Viewer viewer, bool ownFeed, IFeedStore feeds)
    {
        var rows = await feeds.ForUserAsync(userId, viewer, ownFeed, paging.Version, paging.Limit + 1, paging.Page * paging.Limit);
        var events = rows.Take(paging.Limit).Select(e => new EventDto(
            e.Action, e.CreatedAt, e.Object, e.ObjectKey, e.Actor, e.OtherUser ?? "", // spec §1.7: a string, empty when no one else took part
            e.ImageHidden ? "" : $"/{e.ImageKey}/thumb-320.jpg",
            e.MainDescription, e.DetailDescription, e.ImageHidden ? "" : Gazetteer.Shared.LocationOf(e.ImageLat, e.ImageLon) ?? "", e.Version)).ToList();
        return new FeedDto(events, rows.Count > paging.Limit);
    }

    private static (long? Version, int Limit, int Page) Paging(HttpRequest request)
    {
        long? version = null;
        if (request.Query["version"].FirstOrDefault() is { Length: > 0 } raw)
            version = long.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
                ? v
                : throw ApiException.Invalid("version", "must be a whole number of 0 or more");
        var limit = Parameters.Limit(request.Query["limit"], MaxLimit, DefaultLimit);
        var page = Parameters.Integer("page", request.Query["page"], 0, 1_000_000, 0);
        return (version, limit, page);
    }
}
