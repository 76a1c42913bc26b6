using System.Globalization;
using System.Text.Json;

namespace Sightline.Stac;

/// <summary>
/// Photos as STAC Items (view and perspective-imagery extensions, thumbnails and, for those who may, the original as
/// assets), written straight to a <see cref="Utf8JsonWriter"/>: a search page is the hot path, and building a node tree
/// for each item cost more than finding the photos (bench/README.md, STAC search).
/// </summary>
public sealed partial class StacDocuments
{
    public void WriteItem(Utf8JsonWriter w, ItemSource source, StacLinks links, IReadOnlyList<Neighbour>? neighbours = null)
    {
        var camera = source.Camera;
        var perspective = source.UprightSize is not null
            || camera is { } c && (c.Make is not null || c.Model is not null || c.FocalLength is not null || c.FieldOfView is not null);
        w.WriteStartObject();
        w.WriteString("type"u8, "Feature"u8);
        w.WriteString("stac_version"u8, StacVersion);
        w.WriteStartArray("stac_extensions"u8);
        if (source.Ca is not null)
            w.WriteStringValue(ViewExtension);
        if (perspective)
            w.WriteStringValue(PerspectiveExtension);
        w.WriteEndArray();
        w.WriteString("id"u8, source.Key);
        w.WritePropertyName("geometry"u8);
        WritePoint(w, source.Lon, source.Lat);
        w.WriteStartArray("bbox"u8);
        w.WriteNumberValue(source.Lon);
        w.WriteNumberValue(source.Lat);
        w.WriteNumberValue(source.Lon);
        w.WriteNumberValue(source.Lat);
        w.WriteEndArray();

        w.WriteStartObject("properties"u8);
        WriteTime(w, "datetime"u8, source.CapturedAt);
        WriteTime(w, "datetimetz"u8, source.CapturedAt);
        w.WriteString("license"u8, Options.License);
        WriteProviders(w, source.Username);
        if (source.Ca is { } ca)
            w.WriteNumber("view:azimuth"u8, ca >= 360 ? ca - 360 : ca); // the view extension's azimuth lies in [0, 360)
        if (perspective)
            WriteInteriorOrientation(w, source.UprightSize, camera);
        w.WriteString("geovisio:producer"u8, source.Username);
        w.WriteString("geovisio:status"u8, "ready"u8);
        w.WriteEndObject();

        // The Panoramax viewer reads the producer from the top level.
        WriteProviders(w, source.Username);
        WriteAssets(w, source, links);
        WriteItemLinks(w, source, links, neighbours ?? []);
        if (source.SequenceKey is { } sequenceKey)
            w.WriteString("collection"u8, sequenceKey);
        w.WriteEndObject();
    }

    // Panoramax's field names; field_of_view from the 35 mm equivalent focal length (a 36 mm wide frame).
    private static void WriteInteriorOrientation(Utf8JsonWriter w, (int Width, int Height)? size, Images.Camera? camera)
    {
        w.WriteStartObject("pers:interior_orientation"u8);
        if (camera?.Make is { } make)
            w.WriteString("camera_manufacturer"u8, make);
        if (camera?.Model is { } model)
            w.WriteString("camera_model"u8, model);
        if (camera?.FocalLength is { } focal)
            w.WriteNumber("focal_length"u8, focal);
        if (camera?.FieldOfView is { } fieldOfView)
            w.WriteNumber("field_of_view"u8, fieldOfView);
        if (size is var (width, height))
        {
            w.WriteStartArray("sensor_array_dimensions"u8);
            w.WriteNumberValue(width);
            w.WriteNumberValue(height);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteAssets(Utf8JsonWriter w, ItemSource source, StacLinks links)
    {
        w.WriteStartObject("assets"u8);
        // The largest derivative is the highest definition anyone else receives: originals keep unblurred faces and plates.
        WriteAsset(w, "thumb"u8, links.Thumbnail(source.Key, 320), "Thumbnail, 320 pixels wide"u8, "thumbnail"u8);
        WriteAsset(w, "thumb-640"u8, links.Thumbnail(source.Key, 640), "640 pixels wide"u8, "overview"u8);
        WriteAsset(w, "sd"u8, links.Thumbnail(source.Key, 1024), "1024 pixels wide"u8, "visual"u8);
        WriteAsset(w, "hd"u8, links.Thumbnail(source.Key, 2048), "2048 pixels wide, blurred"u8, "data"u8);
        if (source.Original)
            WriteAsset(w, "original"u8, links.Original(source.Key), "The original file as uploaded, not blurred (its uploader and moderators only)"u8,
                "original"u8);
        w.WriteEndObject();
    }

    private static void WriteAsset(Utf8JsonWriter w, ReadOnlySpan<byte> name, string href, ReadOnlySpan<byte> title, ReadOnlySpan<byte> role)
    {
        w.WriteStartObject(name);
        w.WriteString("href"u8, href);
        w.WriteString("type"u8, StacLinks.Jpeg);
        w.WriteString("title"u8, title);
        w.WriteStartArray("roles"u8);
        w.WriteStringValue(role);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private void WriteItemLinks(Utf8JsonWriter w, ItemSource source, StacLinks links, IReadOnlyList<Neighbour> neighbours)
    {
        w.WriteStartArray("links"u8);
        WriteLink(w, "root", links.Root, StacLinks.Json);
        if (source.SequenceKey is { } sequenceKey)
        {
            WriteLink(w, "self", links.Item(sequenceKey, source.Key), StacLinks.GeoJson);
            WriteLink(w, "parent", links.Collection(sequenceKey), StacLinks.Json);
            WriteLink(w, "collection", links.Collection(sequenceKey), StacLinks.Json);
        }
        WriteLink(w, "author", links.User(source.UserUuid), StacLinks.Json, source.Username);
        if (Options.LicenseUrl is { } license)
            WriteLink(w, "license", license, "text/html", Options.License);
        foreach (var neighbour in neighbours)
        {
            w.WriteStartObject();
            w.WriteString("rel"u8, neighbour.Rel);
            w.WriteString("href"u8, links.Item(neighbour.SequenceKey, neighbour.Key));
            w.WriteString("type"u8, StacLinks.GeoJson);
            w.WriteString("id"u8, neighbour.Key);
            w.WritePropertyName("geometry"u8);
            WritePoint(w, neighbour.Lon, neighbour.Lat);
            WriteTime(w, "datetime"u8, neighbour.CapturedAt);
            if (neighbour.Rel == "related")
                w.WriteString("collection"u8, neighbour.SequenceKey);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>One link object, as <see cref="StacLinks.Link"/> builds it.</summary>
    public static void WriteLink(Utf8JsonWriter w, string rel, string href, string type, string? title = null)
    {
        w.WriteStartObject();
        w.WriteString("rel"u8, rel);
        w.WriteString("href"u8, href);
        w.WriteString("type"u8, type);
        if (title is not null)
            w.WriteString("title"u8, title);
        w.WriteEndObject();
    }

    private static void WriteProviders(Utf8JsonWriter w, string username)
    {
        w.WriteStartArray("providers"u8);
        w.WriteStartObject();
        w.WriteString("name"u8, username);
        w.WriteStartArray("roles"u8);
        w.WriteStringValue("producer"u8);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WritePoint(Utf8JsonWriter w, double lon, double lat)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "Point"u8);
        w.WriteStartArray("coordinates"u8);
        w.WriteNumberValue(lon);
        w.WriteNumberValue(lat);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary><see cref="Time"/> without the intermediate string.</summary>
    private static void WriteTime(Utf8JsonWriter w, ReadOnlySpan<byte> name, long epochMs)
    {
        Span<char> text = stackalloc char[32];
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime
            .TryFormat(text, out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        w.WriteString(name, text[..written]);
    }
}
