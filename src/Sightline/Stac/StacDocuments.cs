using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Sightline.Images;

namespace Sightline.Stac;

/// <summary>What an item is made from, whether it came from the database (a whole image) or from the search index.</summary>
public sealed record ItemSource(
    string Key, string? SequenceKey, double Lat, double Lon, double? Ca, long CapturedAt, string Username, string UserUuid,
    (int Width, int Height)? UprightSize = null)
{
    public static ItemSource Of(Image image, string userUuid) =>
        new(image.Key, image.SequenceKey, image.Lat, image.Lon, image.Ca, image.CapturedAt, image.Username, userUuid,
            image.Width > 0 && image.Height > 0 ? (image.Orientation is >= 5 and <= 8 ? (image.Height, image.Width) : (image.Width, image.Height)) : null);
}

/// <summary>A neighbour an item links to (prev, next, related): the viewer moves to it without another request.</summary>
public sealed record Neighbour(string Rel, string Key, string SequenceKey, double Lat, double Lon, long CapturedAt);

/// <summary>
/// Builds the STAC documents: photos as Items (view and perspective-imagery extensions, thumbnails as assets),
/// sequences as Collections. Field names are STAC's and Panoramax's; see docs/stac.md.
/// </summary>
public sealed class StacDocuments(IOptions<StacOptions> options)
{
    public const string StacVersion = "1.0.0";
    public const string ViewExtension = "https://stac-extensions.github.io/view/v1.0.0/schema.json";
    public const string PerspectiveExtension = "https://stac-extensions.github.io/perspective-imagery/v1.0.0/schema.json";

    private StacOptions Options => options.Value;

    public string License => Options.License;

    public static string Time(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static JsonArray Point(double lon, double lat) => new(lon, lat);

    public JsonObject Item(ItemSource source, StacLinks links, IEnumerable<Neighbour>? neighbours = null)
    {
        var extensions = new JsonArray();
        var properties = new JsonObject
        {
            ["datetime"] = Time(source.CapturedAt),
            ["datetimetz"] = Time(source.CapturedAt),
            ["license"] = Options.License,
            ["providers"] = Providers(source.Username),
        };
        if (source.Ca is { } ca)
        {
            // The view extension's azimuth lies in [0, 360).
            properties["view:azimuth"] = ca >= 360 ? ca - 360 : ca;
            extensions.Add(ViewExtension);
        }
        if (source.UprightSize is var (width, height))
        {
            properties["pers:interior_orientation"] = new JsonObject { ["sensor_array_dimensions"] = new JsonArray(width, height) };
            extensions.Add(PerspectiveExtension);
        }
        properties["geovisio:producer"] = source.Username;
        properties["geovisio:status"] = "ready";

        var item = new JsonObject
        {
            ["type"] = "Feature",
            ["stac_version"] = StacVersion,
            ["stac_extensions"] = extensions,
            ["id"] = source.Key,
            ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = Point(source.Lon, source.Lat) },
            ["bbox"] = new JsonArray(source.Lon, source.Lat, source.Lon, source.Lat),
            ["properties"] = properties,
            // The Panoramax viewer reads the producer from the top level.
            ["providers"] = Providers(source.Username),
            ["assets"] = Assets(source.Key, links),
            ["links"] = ItemLinks(source, links, neighbours ?? []),
        };
        if (source.SequenceKey is { } sequenceKey)
            item["collection"] = sequenceKey;
        return item;
    }

    private static JsonObject Assets(string key, StacLinks links)
    {
        static JsonObject Asset(string href, string title, params string[] roles)
        {
            var array = new JsonArray();
            foreach (var role in roles)
                array.Add(role);
            return new JsonObject { ["href"] = href, ["type"] = StacLinks.Jpeg, ["title"] = title, ["roles"] = array };
        }
        // The largest derivative is the highest definition anyone receives: originals keep unblurred faces and plates.
        return new JsonObject
        {
            ["thumb"] = Asset(links.Thumbnail(key, 320), "Thumbnail, 320 pixels wide", "thumbnail"),
            ["thumb-640"] = Asset(links.Thumbnail(key, 640), "640 pixels wide", "overview"),
            ["sd"] = Asset(links.Thumbnail(key, 1024), "1024 pixels wide", "visual"),
            ["hd"] = Asset(links.Thumbnail(key, 2048), "2048 pixels wide, blurred", "data"),
        };
    }

    private JsonArray ItemLinks(ItemSource source, StacLinks links, IEnumerable<Neighbour> neighbours)
    {
        var list = new JsonArray
        {
            StacLinks.Link("root", links.Root, StacLinks.Json),
        };
        if (source.SequenceKey is { } sequenceKey)
        {
            list.Add(StacLinks.Link("self", links.Item(sequenceKey, source.Key), StacLinks.GeoJson));
            list.Add(StacLinks.Link("parent", links.Collection(sequenceKey), StacLinks.Json));
            list.Add(StacLinks.Link("collection", links.Collection(sequenceKey), StacLinks.Json));
        }
        list.Add(StacLinks.Link("author", links.User(source.UserUuid), StacLinks.Json, source.Username));
        if (Options.LicenseUrl is { } license)
            list.Add(StacLinks.Link("license", license, "text/html", Options.License));
        foreach (var neighbour in neighbours)
        {
            var link = StacLinks.Link(neighbour.Rel, links.Item(neighbour.SequenceKey, neighbour.Key), StacLinks.GeoJson);
            link["id"] = neighbour.Key;
            link["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = Point(neighbour.Lon, neighbour.Lat) };
            link["datetime"] = Time(neighbour.CapturedAt);
            if (neighbour.Rel == "related")
                link["collection"] = neighbour.SequenceKey;
            list.Add(link);
        }
        return list;
    }

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
