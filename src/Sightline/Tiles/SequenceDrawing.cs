using System.Buffers;
using System.Globalization;
using System.Text.Json;
using NetTopologySuite.IO.VectorTiles.Tiles.WebMercator;
using Sightline.Search.Index;

namespace Sightline.Tiles;

/// <summary>
/// What every tile a sequence crosses needs of it, made once per sequence version (a <see cref="SequenceShape"/> is
/// replaced on every change): its tile property values, and its path projected to Web Mercator pixels at zoom 0, so a
/// tile at zoom z only scales by 2^z and offsets (no logarithm per photo per tile). Immutable.
/// </summary>
public sealed class SequenceDrawing
{
    /// <summary>The resolution the encoder uses for extent 4096 at zoom 0 (NetTopologySuite.IO.VectorTiles' WebMercatorHandler).</summary>
    public static readonly double ZoomZeroResolution = WebMercatorHandler.Resolution(0, (int)SequenceTiles.Extent);

    private SequenceDrawing(TileValue? username, TileValue keys, TileValue cas, TileValue key, TileValue capturedAt, double[] path,
        double minX, double minY, double maxX, double maxY)
    {
        Username = username;
        Keys = keys;
        Cas = cas;
        Key = key;
        CapturedAt = capturedAt;
        Path = path;
        MinX = minX; MinY = minY; MaxX = maxX; MaxY = maxY;
    }

    /// <summary>Null for a user without a name: the property is then left out, as the package's writer did.</summary>
    public TileValue? Username { get; }
    public TileValue Keys { get; }
    public TileValue Cas { get; }
    public TileValue Key { get; }
    public TileValue CapturedAt { get; }

    /// <summary>x0, y0, x1, y1, ...: the photos in order, as zoom-0 pixels (y grows northwards, as the encoder has it).</summary>
    public double[] Path { get; }

    /// <summary>The path's bounds in zoom-0 pixels (the encoder measures a line's extent from its envelope's corners).</summary>
    public double MinX { get; }
    public double MinY { get; }
    public double MaxX { get; }
    public double MaxY { get; }

    /// <summary>About how many bytes this keeps alive, for the cache's budget.</summary>
    public long Size => Keys.Message.Length + Cas.Message.Length + 8L * Path.Length + 300;

    public static SequenceDrawing Build(string? username, SequenceShape shape, IndexedImage[] members)
    {
        // A sequence of one photo is a line of two equal points, as before (the encoder leaves it out: no extent).
        var count = Math.Max(2, members.Length);
        var path = new double[2 * count];
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i < count; i++)
        {
            var image = members[Math.Min(i, members.Length - 1)];
            var (x, y) = ZoomZeroPixels(image.Lat, image.Lon);
            path[2 * i] = x;
            path[2 * i + 1] = y;
            minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
        }
        return new SequenceDrawing(
            username is null ? null : Text(username),
            JsonArray(members, static (writer, image) => writer.WriteStringValue(image.Key)),
            JsonArray(members, static (writer, image) =>
            {
                if (double.IsNaN(image.StoredCa))
                    writer.WriteNullValue();
                else
                    writer.WriteNumberValue(image.StoredCa);
            }),
            Text(shape.Key),
            Text(members.Min(i => i.CapturedAt).ToString(CultureInfo.InvariantCulture)),
            path, minX, minY, maxX, maxY);
    }

    /// <summary>
    /// The encoder's projection (WebMercatorHandler.LatLonToMeters, then meters over the resolution) before its truncation
    /// to whole pixels. Resolutions are the zoom-0 one over 2^z, so the value at zoom z is exactly this one times 2^z.
    /// </summary>
    public static (double X, double Y) ZoomZeroPixels(double lat, double lon)
    {
        var (mx, my) = WebMercatorHandler.LatLonToMeters(lat, lon);
        return ((mx + OriginShift) / ZoomZeroResolution, (my + OriginShift) / ZoomZeroResolution);
    }

    // WebMercatorHandler's origin shift (private there): half the equator's length in meters.
    private const double OriginShift = 2 * Math.PI * 6378137 / 2;

    /// <summary>A string property value; the tile's value table compares values by content, and each keeps its hash.</summary>
    public static TileValue Text(string value) => TileValue.Text(value);

    [ThreadStatic] private static ArrayBufferWriter<byte>? jsonBuffer;

    // A JSON array written with the writer JsonSerializer uses, and its default options: the same text, without the
    // serializer's per-element dispatch, kept as the UTF-8 the tile carries.
    private static TileValue JsonArray(IndexedImage[] members, Action<Utf8JsonWriter, IndexedImage> element)
    {
        var buffer = jsonBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var image in members)
                element(writer, image);
            writer.WriteEndArray();
        }
        return TileValue.Utf8(buffer.WrittenSpan);
    }
}
