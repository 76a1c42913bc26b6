using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Community;
using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Detections;

/// <summary>
/// Object recognition: <c>GET /v2/im/{key}/or</c> (spec §3.1) and <c>PUT /v2/im/{key}/or/{package}</c> (ours), where a
/// detector application holding <c>mapillary:admin</c> submits one package's results for an image. The user versions
/// (<c>POST …/or/version</c>, <c>…/approve</c>) are "not yet available" in the original and stay <c>not_found</c> (§5 item 24).
/// </summary>
public static class DetectionsApi
{
    public sealed record RectDto(string Package, string Score, string Type, double[] Rect);

    public sealed record ConfirmationDto(string Package, string User, long Version);

    public sealed record VersionDto(long Timestamp, string User, string Package, IReadOnlyList<object> Rects);

    public sealed record RecognitionDto(
        double? Ca, long CapturedAt, string Key, double Lat, double Lon, string User,
        IReadOnlyList<RectDto> OrRects, IReadOnlyList<VersionDto> OrRectversions, bool OrDone,
        IReadOnlyList<string> OrPackages, IReadOnlyList<ConfirmationDto> OrConfirmedPackages);

    public sealed record RandomDto(string Key, IReadOnlyList<RectDto> Rects, IReadOnlyList<VersionDto> Orversions, int RandomType);

    public static void MapDetections(this IEndpointRouteBuilder routes)
    {
        // Takes only client_id, so it needs no spatial index.
        routes.MapGroup("/v2/search/im/or").RequireClient().WithTags("Object recognition")
            .MapGet("/random", RandomWithDetections)
            .WithName("RandomImageWithDetections")
            .WithSummary("A random image with detections")
            .WithDescription("key, rects (its detections), orversions (none yet), random_type (always 1, spec §5 item 31); among public images only.");

        var group = routes.MapGroup("/v2/im").RequireClient().WithTags("Object recognition");
        group.MapGet("/{key}/or", GetRecognition)
            .WithName("GetImageRecognition")
            .WithSummary("An image's traffic-sign detections")
            .WithDescription("ca, captured_at, key, lat, lon, user; or_rects[] (package, score as a decimal string, type, rect " +
                             "[x_min,y_min,x_max,y_max] top-left origin); or_rectversions (none yet); or_done (every package of the " +
                             "catalogue has run); or_packages; or_confirmed_packages (none yet). private:read on a private image.");
        group.MapPut("/{key}/or/{package}", SubmitDetections)
            .RequireScope(Scopes.MapillaryAdmin)
            .WithName("SubmitImageDetections")
            .WithSummary("Submit a detector package's results for an image")
            .WithDescription("mapillary:admin (a detector application's token). Body {\"or_rects\":[{\"type\":\"regulatory--stop--us\"," +
                             "\"score\":\"1.0417\",\"rect\":[x_min,y_min,x_max,y_max]}]}; replaces that package's earlier results for the " +
                             "image and records that it ran (an empty array: it ran and found nothing). package: one of the catalogue " +
                             "(trafficsign_au_2.0, _br_5.0, _ca_2.0, _eu_6.0, _us_3.0, or a 1.0 name such as trafficsign_eu_1.0 for the " +
                             "current package of its region); each type must be one of its classes. score: a decimal string kept exactly as sent.");
    }

    public static async Task<Ok<RandomDto>> RandomWithDetections(IDetectionStore detections)
    {
        var (imageId, key) = await detections.RandomPublicWithDetectionsAsync() ?? throw ApiException.NotFound("An image with detections");
        var (found, _) = await detections.ForImageAsync(imageId);
        return TypedResults.Ok(new RandomDto(key, found.Select(ToDto).ToList(), [], RandomType: 1));
    }

    private static RectDto ToDto(Detection d) => new(d.Package, d.Score, d.Type, [d.XMin, d.YMin, d.XMax, d.YMax]);

    public static async Task<Ok<RecognitionDto>> GetRecognition(string key, Caller caller, IImageStore images, IDetectionStore detections, DetectionCatalogue catalogue)
    {
        var image = await ImagesApi.FindAsync(key, Viewer.Of(caller), images);
        var (found, packages) = await detections.ForImageAsync(image.Id);
        return TypedResults.Ok(new RecognitionDto(
            image.Ca, image.CapturedAt, image.Key, image.Lat, image.Lon, image.Username,
            found.Select(ToDto).ToList(),
            [], catalogue.Packages.All(packages.Contains), packages, []));
    }

    public static async Task<Ok<ImageAccess.Acknowledgement>> SubmitDetections(
        string key, string package, HttpRequest request, Caller caller, IImageStore images, IDetectionStore detections,
        DetectionCatalogue catalogue, CancellationToken cancellation)
    {
        ImageAccess.ImageKey(key);
        package = catalogue.Resolve(package) ?? throw ApiException.Invalid("package", $"must be one of {string.Join(", ", catalogue.AcceptedNames)}");
        var submitted = Detection.ParseSubmission(await RequestBody.JsonObjectAsync(request, cancellation), package, catalogue);
        var image = await ImagesApi.FindAsync(key, Viewer.Of(caller), images);
        await detections.ReplaceAsync(image.Id, package, submitted);
        return TypedResults.Ok(new ImageAccess.Acknowledgement());
    }
}
