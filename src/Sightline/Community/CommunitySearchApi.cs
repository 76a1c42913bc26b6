using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Blurs;
using Sightline.Comments;
using Sightline.Detections;
using Sightline.Search;
using Sightline.Search.Index;

namespace Sightline.Community;

/// <summary>
/// <c>/v2/search/im/b</c>, <c>/cm</c>, <c>/or</c> and their GeoJSON forms (spec §3.7, §5 items 38, 26-28): images in a
/// box (the F, B, P groups, judged by <see cref="SearchParameters"/>) that have blurs, comments or matching
/// detections, newest capture first, each with those objects.
/// </summary>
public static class CommunitySearchApi
{
    public sealed record CommentDto(string Comment, long CreatedAt, string Key, string User);

    public sealed record BlurredImage(string Key, double? Ca, long CapturedAt, double Lat, double Lon, string? Location, string User,
        string? SequenceKey, IReadOnlyList<BlurDtos.Item> Blur);

    public sealed record CommentedImage(string Key, double? Ca, long CapturedAt, double Lat, double Lon, string? Location, string User,
        string? SequenceKey, IReadOnlyList<CommentDto> Comments);

    /// <summary>As the spec's example: no captured_at or location here.</summary>
    public sealed record RecognizedImage(string Key, double? Ca, double Lat, double Lon, string User, IReadOnlyList<DetectionsApi.RectDto> Rects);

    public sealed record ImageList<T>(bool More, IReadOnlyList<T> Ims);

    public sealed record Boundary(double MinLat, double MinLon, double MaxLat, double MaxLon);

    public sealed record Properties(
        string Key,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Ca,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<BlurDtos.Item>? Blurs,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CommentDto>? Comments,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Boundary? Boundary,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DetectionsApi.RectDto>? Rects);

    public sealed record Feature(string Type, SearchDtos.Point Geometry, Properties Properties);

    public sealed record FeatureCollection(string Type, bool More, IReadOnlyList<Feature> Features);

    private const string Filters = "min_lat/max_lat/min_lon/max_lon, start_time/end_time, user, me, project, hidden, limit (default 20, at most 1000), " +
                                   "page; newest capture first.";

    public static void MapCommunitySearch(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/search/im").RequireClient().WithTags("Search");
        group.MapGet("/b", SearchBlurred).WithName("SearchImagesWithBlurs").WithSummary("Images with blurs in a box")
            .WithDescription("{more, ims[]}: image summaries with blur[] (the blurs in effect) of images that have any. " + Filters);
        group.MapGet("/cm", SearchCommented).WithName("SearchCommentedImages").WithSummary("Commented images in a box")
            .WithDescription("{more, ims[]}: image summaries with comments[] (comment, created_at, key, user). " + Filters);
        group.MapGet("/or", SearchRecognized).WithName("SearchImagesWithDetections").WithSummary("Images with matching detections in a box")
            .WithDescription("{more, ims[]}: key, ca, lat, lon, user and rects[] (the matching detections, best score first). or_package, " +
                             "or_classes[] (class name prefixes), min_score, and " + Filters);
        group.MapGet("/geojson/b", SearchBlurredGeoJson).WithName("SearchImagesWithBlursGeoJson").WithSummary("As /b, in GeoJSON")
            .WithDescription("Points with properties blurs, ca, key; top-level more.");
        group.MapGet("/geojson/cm", SearchCommentedGeoJson).WithName("SearchCommentedImagesGeoJson").WithSummary("As /cm, in GeoJSON")
            .WithDescription("Points with properties comments, ca, key; top-level more.");
        group.MapGet("/geojson/or", SearchRecognizedGeoJson).WithName("SearchImagesWithDetectionsGeoJson").WithSummary("As /or, in GeoJSON")
            .WithDescription("Points with properties key, boundary (the point's box) and rects; top-level more.");
    }

    private static async Task<(SearchPage Page, IReadOnlyList<long> Ids)> BlurredAsync(HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, IBlurStore blurs)
    {
        var query = await parameters.BoxAsync(request.Query, caller);
        var page = search.NewestAmong(query, await blurs.BlurredImageIdsAsync());
        return (page, page.Hits.Select(h => (long)h.Image.Id).ToList());
    }

    public static async Task<Ok<ImageList<BlurredImage>>> SearchBlurred(HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, IBlurStore blurs)
    {
        var (page, ids) = await BlurredAsync(request, caller, parameters, search, blurs);
        var found = await blurs.CurrentForImagesAsync(ids);
        return TypedResults.Ok(new ImageList<BlurredImage>(page.More, page.Hits.Select(h =>
        {
            var i = SearchDtos.ToImage(h.Image, search.Index);
            return new BlurredImage(i.Key, h.Image.CompassAngle, i.CapturedAt, i.Lat, i.Lon, i.Location, i.User, i.SequenceKey,
                BlurDtos.Items(found.GetValueOrDefault(h.Image.Id, [])));
        }).ToList()));
    }

    public static async Task<Ok<FeatureCollection>> SearchBlurredGeoJson(HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, IBlurStore blurs)
    {
        var (page, ids) = await BlurredAsync(request, caller, parameters, search, blurs);
        var found = await blurs.CurrentForImagesAsync(ids);
        return TypedResults.Ok(GeoJson(page, h => new Properties(h.Key, h.CompassAngle, BlurDtos.Items(found.GetValueOrDefault(h.Id, [])), null, null, null)));
    }

    private static async Task<(SearchPage Page, IReadOnlyDictionary<long, List<Comment>> Comments)> CommentedAsync(
        HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, ICommentStore comments)
    {
        var query = await parameters.BoxAsync(request.Query, caller);
        var page = search.NewestAmong(query, await comments.CommentedImageIdsAsync());
        return (page, await comments.ForImagesAsync(page.Hits.Select(h => (long)h.Image.Id).ToList()));
    }

    private static IReadOnlyList<CommentDto> Comments(IReadOnlyDictionary<long, List<Comment>> all, int imageId) =>
        all.GetValueOrDefault(imageId, []).Select(c => new CommentDto(c.Text, c.CreatedAt, c.Key, c.Username)).ToList();

    public static async Task<Ok<ImageList<CommentedImage>>> SearchCommented(HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, ICommentStore comments)
    {
        var (page, all) = await CommentedAsync(request, caller, parameters, search, comments);
        return TypedResults.Ok(new ImageList<CommentedImage>(page.More, page.Hits.Select(h =>
        {
            var i = SearchDtos.ToImage(h.Image, search.Index);
            return new CommentedImage(i.Key, h.Image.CompassAngle, i.CapturedAt, i.Lat, i.Lon, i.Location, i.User, i.SequenceKey, Comments(all, h.Image.Id));
        }).ToList()));
    }

    public static async Task<Ok<FeatureCollection>> SearchCommentedGeoJson(HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, ICommentStore comments)
    {
        var (page, all) = await CommentedAsync(request, caller, parameters, search, comments);
        return TypedResults.Ok(GeoJson(page, h => new Properties(h.Key, h.CompassAngle, null, Comments(all, h.Id), null, null)));
    }

    private static async Task<(SearchPage Page, IReadOnlyDictionary<long, IReadOnlyList<Detection>> Rects)> RecognizedAsync(
        HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, IDetectionStore detections, DetectionCatalogue catalogue)
    {
        var (query, filter) = await parameters.BoxAsync(request.Query, caller, () => DetectionFilter.Parse(request.Query, catalogue));
        var page = search.NewestAmong(query, await detections.MatchingImageIdsAsync(filter));
        return (page, await detections.MatchingAsync(page.Hits.Select(h => (long)h.Image.Id).ToList(), filter));
    }

    private static IReadOnlyList<DetectionsApi.RectDto> Rects(IReadOnlyDictionary<long, IReadOnlyList<Detection>> all, int imageId) =>
        all.GetValueOrDefault(imageId, []).Select(d => new DetectionsApi.RectDto(d.Package, d.Score, d.Type, [d.XMin, d.YMin, d.XMax, d.YMax])).ToList();

    public static async Task<Ok<ImageList<RecognizedImage>>> SearchRecognized(
        HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, IDetectionStore detections, DetectionCatalogue catalogue)
    {
        var (page, all) = await RecognizedAsync(request, caller, parameters, search, detections, catalogue);
        return TypedResults.Ok(new ImageList<RecognizedImage>(page.More, page.Hits.Select(h =>
            new RecognizedImage(h.Image.Key, h.Image.CompassAngle, h.Image.Lat, h.Image.Lon, search.Index.Username(h.Image.UserId), Rects(all, h.Image.Id))).ToList()));
    }

    public static async Task<Ok<FeatureCollection>> SearchRecognizedGeoJson(
        HttpRequest request, Caller caller, SearchParameters parameters, CommunitySearch search, IDetectionStore detections, DetectionCatalogue catalogue)
    {
        var (page, all) = await RecognizedAsync(request, caller, parameters, search, detections, catalogue);
        return TypedResults.Ok(GeoJson(page, h => new Properties(h.Key, null, null, null, new Boundary(h.Lat, h.Lon, h.Lat, h.Lon), Rects(all, h.Id))));
    }

    private static FeatureCollection GeoJson(SearchPage page, Func<IndexedImage, Properties> properties) =>
        new("FeatureCollection", page.More, page.Hits.Select(h =>
            new Feature("Feature", new SearchDtos.Point("Point", [h.Image.Lon, h.Image.Lat]), properties(h.Image))).ToList());
}
