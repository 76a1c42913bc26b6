using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Sightline.Images;

namespace Sightline.Stac;

/// <summary>
/// What an item is made from, whether it came from the database (a whole image) or from the search index (no size or
/// camera: the index does not hold them). <see cref="Original"/>: the caller may download the original file.
/// </summary>
public sealed record ItemSource(
    string Key, string? SequenceKey, double Lat, double Lon, double? Ca, long CapturedAt, string Username, string UserUuid,
    (int Width, int Height)? UprightSize = null, Camera? Camera = null, bool Original = false)
{
    public static ItemSource Of(Image image, string userUuid, Viewer viewer) =>
        new(image.Key, image.SequenceKey, image.Lat, image.Lon, image.Ca, image.CapturedAt, image.Username, userUuid,
            image.Width > 0 && image.Height > 0 ? (image.Orientation is >= 5 and <= 8 ? (image.Height, image.Width) : (image.Width, image.Height)) : null,
            image.Camera, MayReadOriginal(image, viewer));

    /// <summary>
    /// Originals keep the faces and plates the thumbnails blur, so only the photo's uploader and moderators (who review
    /// blur requests against them) may read them.
    /// </summary>
    public static bool MayReadOriginal(Image image, Viewer viewer) => viewer.Moderates || viewer.UserId == image.UserId;
}

/// <summary>A neighbour an item links to (prev, next, related): the viewer moves to it without another request.</summary>
public sealed record Neighbour(string Rel, string Key, string SequenceKey, double Lat, double Lon, long CapturedAt);

/// <summary>
/// Builds the STAC documents: photos as Items (view and perspective-imagery extensions, thumbnails as assets),
/// sequences as Collections. Field names are STAC's and Panoramax's; see docs/stac.md.
/// </summary>
public sealed partial class StacDocuments(IOptions<StacOptions> options)
{
    public const string StacVersion = "1.0.0";
    public const string ViewExtension = "https://stac-extensions.github.io/view/v1.0.0/schema.json";
    public const string PerspectiveExtension = "https://stac-extensions.github.io/perspective-imagery/v1.0.0/schema.json";

    private StacOptions Options => options.Value;

    public string License => Options.License;

    public static string Time(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonArray Point(double lon, double lat) => new(lon, lat);

    public static JsonArray Providers(string username) =>
        [new JsonObject { ["name"] = username, ["roles"] = new JsonArray("producer") }];

    /// <summary>A sequence as a STAC Collection.</summary>
    public JsonObject Collection(SequenceSummary sequence, string username, string userUuid, StacLinks links)
    {
        var collection = new JsonObject
        {
            ["type"] = "Collection",
            ["stac_version"] = StacVersion,
            ["stac_extensions"] = new JsonArray(),
            ["id"] = sequence.Key,
            ["title"] = $"Sequence {sequence.Key} by {username}",
            ["description"] = $"{sequence.Count} photos taken by {username} from {Time(sequence.FirstCapture)} to {Time(sequence.LastCapture)}.",
            ["license"] = Options.License,
            ["providers"] = Providers(username),
            ["extent"] = Extent(sequence.MinLat, sequence.MinLon, sequence.MaxLat, sequence.MaxLon, sequence.FirstCapture, sequence.LastCapture),
            ["summaries"] = new JsonObject { ["datetime"] = new JsonObject { ["minimum"] = Time(sequence.FirstCapture), ["maximum"] = Time(sequence.LastCapture) } },
            ["stats:items"] = new JsonObject { ["count"] = sequence.Count },
            ["geovisio:status"] = "ready",
            ["created"] = Time(sequence.FirstCapture),
            ["links"] = new JsonArray
            {
                StacLinks.Link("self", links.Collection(sequence.Key), StacLinks.Json),
                StacLinks.Link("root", links.Root, StacLinks.Json),
                StacLinks.Link("parent", links.Root, StacLinks.Json),
                StacLinks.Link("items", links.Items(sequence.Key), StacLinks.GeoJson),
                StacLinks.Link(LandingApi.QueryablesRel, links.Collection(sequence.Key) + "/queryables", "application/schema+json", "Queryables"),
                StacLinks.Link("author", links.User(userUuid), StacLinks.Json, username),
                StacLinks.Link("preview", $"{links.Collection(sequence.Key)}/thumb.jpg", StacLinks.Jpeg),
            },
        };
        if (Options.LicenseUrl is { } license)
            collection["links"]!.AsArray().Add(StacLinks.Link("license", license, "text/html", Options.License));
        return collection;
    }

    public static JsonObject Extent(double minLat, double minLon, double maxLat, double maxLon, long first, long last) => new()
    {
        ["spatial"] = new JsonObject { ["bbox"] = new JsonArray(new JsonArray(minLon, minLat, maxLon, maxLat)) },
        ["temporal"] = new JsonObject { ["interval"] = new JsonArray(new JsonArray(Time(first), Time(last))) },
    };
}
