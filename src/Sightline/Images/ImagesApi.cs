using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Storage;

namespace Sightline.Images;

/// <summary><c>/v2/im</c>: one image's metadata (spec §3.1).</summary>
public static class ImagesApi
{
    public static RouteGroupBuilder MapImages(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/im").RequireClient().WithTags("Images");
        group.MapGet("/{key}", GetImage)
            .WithName("GetImage")
            .WithSummary("One image")
            .WithDescription("The image summary (ca, captured_at, key, lat, lon, location, user) plus sequence_key; not_found until processing is done.");
        group.MapGet("/{key}/geojson", GetImageGeoJson)
            .WithName("GetImageGeoJson")
            .WithSummary("One image as GeoJSON")
            .WithDescription("A FeatureCollection with one Point feature whose properties are key and ca.");
        return group;
    }

    public static async Task<Ok<ImageDtos.Summary>> GetImage(string key, Caller caller, IImageStore images) =>
        TypedResults.Ok(ImageDtos.ToSummary(await FindAsync(key, Viewer.Of(caller), images)));

    public static async Task<Ok<ImageDtos.FeatureCollection>> GetImageGeoJson(string key, Caller caller, IImageStore images) =>
        TypedResults.Ok(ImageDtos.ToGeoJson(await FindAsync(key, Viewer.Of(caller), images)));

    /// <summary>
    /// The image this viewer may see; a project member whose token lacks <paramref name="missingScope"/> is told so
    /// (401), anyone else who may not see it gets not_found (<see cref="Viewer.FindOrRefuseAsync"/>).
    /// </summary>
    internal static Task<Image> FindAsync(string key, Viewer viewer, IImageStore images, string missingScope = Scopes.PrivateRead) =>
        viewer.FindOrRefuseAsync(v => images.FindVisibleAsync(CheckedKey(key), v), $"Image '{key}'", missingScope);

    internal static string CheckedKey(string key) => RandomKey.IsKeyShaped(key)
        ? key
        : throw ApiException.Invalid("key", "must be an image key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
}
