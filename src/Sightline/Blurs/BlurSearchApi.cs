using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Blurs;

/// <summary>
/// <c>GET /v2/search/b</c>: the images whose blur requests await review (spec §3.7, §5 item 18), the moderators' way
/// into <c>/v2/b/{key}</c>. It takes only paging, so it needs no spatial index.
/// </summary>
public static class BlurSearchApi
{
    public const int DefaultLimit = 20, MaxLimit = 1000;

    public sealed record Result(bool More, IReadOnlyList<ImageDtos.Summary> Ims);

    public static void MapBlurSearch(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/v2/search").RequireClient().WithTags("Blurs")
            .MapGet("/b", SearchPendingBlurs)
            .WithName("SearchPendingBlurs")
            .WithSummary("Images with blur requests under review")
            .WithDescription("{more, ims[]} of image summaries, oldest request first; limit (1-1000, default 20), page (from 0). " +
                             "Private images only with private:read for their members (and for mapillary:admin).");

    public static async Task<Ok<Result>> SearchPendingBlurs(HttpRequest request, Caller caller, IBlurStore blurs, IImageStore images)
    {
        var limit = Parameters.Limit(request.Query["limit"], MaxLimit, DefaultLimit);
        var page = Parameters.Integer("page", request.Query["page"], 0, 1_000_000, 0);
        var viewer = Viewer.Of(caller);
        var ids = await blurs.PendingImageIdsAsync(viewer, limit + 1, page * limit);
        var found = await images.FindVisibleAsync(ids.Take(limit).ToList(), viewer);
        return TypedResults.Ok(new Result(ids.Count > limit, found.Select(ImageDtos.ToSummary).ToList()));
    }
}
