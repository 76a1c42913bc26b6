using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Sequences;
using Sightline.Storage;

namespace Sightline.Search;

/// <summary><c>/v2/search/im</c>: image searches by box, by circle, at random, and within a sequence (spec §3.7).</summary>
public static class ImageSearchApi
{
    public static RouteGroupBuilder MapImageSearch(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/search/im").RequireClient().WithTags("Search");
        group.MapGet("", SearchImages)
            .WithName("SearchImages")
            .WithSummary("Images in a box")
            .WithDescription("Filters: min_lat/max_lat/min_lon/max_lon (min_lon > max_lon crosses the antimeridian), start_time/end_time (epoch ms), " +
                "user, me, project, hidden; limit (default 20, at most 1000) and page (from 0). Newest capture first, then key.");
        group.MapGet("/close", SearchClose)
            .WithName("SearchImagesClose")
            .WithSummary("Images near a point")
            .WithDescription("lat and lon required; distance in metres (default 100; above 5000 served at 5000); min_ca/max_ca (a minimum above the maximum wraps through north). " +
                "Nearest first in whole metres, then key; each image carries its great-circle distance rounded to whole metres.");
        group.MapGet("/close2", ClosestImage)
            .WithName("ClosestImage")
            .WithSummary("The image nearest a point (mapillary-js 0.x/1.x)")
            .WithDescription("Undocumented in the original, called by mapillary-js 0.x and 1.x (moveCloseTo) which read key, lat and lon " +
                "of a single object: the nearest image of /v2/search/im/close with the same parameters, as one image summary with " +
                "its distance; not_found when no image is within distance.");
        group.MapGet("/geojson", SearchGeoJson)
            .WithName("SearchImagesGeoJson")
            .WithSummary("Images in a box as GeoJSON")
            .WithDescription("As /v2/search/im, as a FeatureCollection of Points with ca and key, and a top-level more.");
        group.MapGet("/geojson/close", SearchGeoJsonClose)
            .WithName("SearchImagesGeoJsonClose")
            .WithSummary("Images near a point as GeoJSON")
            .WithDescription("As /v2/search/im/close, as a FeatureCollection of Points with ca and key, and a top-level more.");
        group.MapGet("/randomselected", RandomSelected)
            .WithName("RandomSelectedImage")
            .WithSummary("A random public image")
            .WithDescription("One image chosen at random among those administrators selected (sightline images select), or among every " +
                "public image while none of those is visible.");
        group.MapGet("/geojson/randomimage", RandomImageGeoJson)
            .WithName("RandomImageGeoJson")
            .WithSummary("A random matching image as GeoJSON")
            .WithDescription("One image chosen at random among those matching the box filters; paging is ignored. No features when none matches.");
        group.MapGet("/s/{key}", ImageOfSequence)
            .WithName("SearchImageInSequence")
            .WithSummary("An image of a sequence")
            .WithDescription("The sequence's image closest to lat/lon when given (ties: the earlier in the sequence), otherwise its first image.");
        return group;
    }

    public static async Task<ImageListAnswer> SearchImages(HttpRequest request, Caller caller, SearchParameters parameters, ImageSearch search)
    {
        var query = await parameters.BoxAsync(request.Query, caller);
        return new ImageListAnswer(search.Newest(query), search.Index, withDistance: false);
    }

    public static async Task<ImageListAnswer> SearchClose(HttpRequest request, Caller caller, SearchParameters parameters, ImageSearch search)
    {
        var query = await parameters.CloseAsync(request.Query, caller);
        return new ImageListAnswer(search.Nearest(query), search.Index, withDistance: true);
    }

    public static async Task<Ok<SearchDtos.Image>> ClosestImage(HttpRequest request, Caller caller, SearchParameters parameters, ImageSearch search,
        IOptions<SearchOptions> options)
    {
        var query = await parameters.CloseAsync(request.Query, caller);
        var nearest = SearchDtos.ToList(search.Nearest(query with { Offset = 0, Limit = 1 }), search.Index, withDistance: true).Ims;
        return nearest.Count > 0
            ? TypedResults.Ok(nearest[0])
            : throw new ApiException(ErrorCode.NotFound,
                $"No image is within distance of lat/lon (distance is in metres and searched up to {options.Value.MaxRadiusMeters:0} at most).");
    }

    public static async Task<Ok<SearchDtos.FeatureCollection>> SearchGeoJson(HttpRequest request, Caller caller, SearchParameters parameters, ImageSearch search)
    {
        var query = await parameters.BoxAsync(request.Query, caller);
        return TypedResults.Ok(SearchDtos.ToGeoJson(search.Newest(query)));
    }

    public static async Task<Ok<SearchDtos.FeatureCollection>> SearchGeoJsonClose(HttpRequest request, Caller caller, SearchParameters parameters, ImageSearch search)
    {
        var query = await parameters.CloseAsync(request.Query, caller);
        return TypedResults.Ok(SearchDtos.ToGeoJson(search.Nearest(query)));
    }

    /// <summary>One of the images administrators selected (spec §5 item 45), or any public image while none of them is visible.</summary>
    public static async Task<Ok<SearchDtos.Image>> RandomSelected(ImageSearch search, IImageStore images)
    {
        if (await images.RandomSelectedKeyAsync() is { } key && await images.FindVisibleAsync(key, Viewer.Anonymous) is { } selected)
            return TypedResults.Ok(new SearchDtos.Image(selected.Key, (float?)selected.Ca, selected.CapturedAt, selected.Lat, selected.Lon,
                Places.Gazetteer.Shared.LocationOf(selected.Lat, selected.Lon), selected.Username, selected.SequenceKey, Distance: null));
        return search.RandomSelected() is { } image
            ? TypedResults.Ok(SearchDtos.ToImage(image, search.Index))
            : throw ApiException.NotFound("Image");
    }

    public static async Task<Ok<SearchDtos.FeatureCollection>> RandomImageGeoJson(HttpRequest request, Caller caller, SearchParameters parameters, ImageSearch search)
    {
        var query = await parameters.BoxAsync(request.Query, caller, paged: false);
        var features = search.RandomMatch(query.Filter) is { } image ? [SearchDtos.ToFeature(image)] : new List<SearchDtos.Feature>();
        return TypedResults.Ok(new SearchDtos.FeatureCollection("FeatureCollection", More: false, features));
    }

    public static async Task<Ok<ImageDtos.Summary>> ImageOfSequence(string key, HttpRequest request, Caller caller, ISequenceStore sequences)
    {
        // The point first: half a point is parameter_missing, which the contract puts before a malformed key.
        var point = SearchParameters.OptionalPoint(request.Query);
        if (!RandomKey.IsKeyShaped(key))
            throw ApiException.Invalid("key", "must be a sequence key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
        var sequence = await Viewer.Of(caller).FindOrRefuseAsync(v => sequences.FindVisibleAsync(key, v), $"Sequence '{key}'");
        var chosen = point is var (lat, lon)
            ? sequence.Images.MinBy(i => Index.Geodesy.DistanceMeters(lat, lon, i.Lat, i.Lon))!
            : sequence.Images[0];
        return TypedResults.Ok(ImageDtos.ToSummary(chosen));
    }
}
