using System.Globalization;
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

    public static SequenceDrawing Build(string? username, SequenceShape shape, ReadOnlySpan<IndexedImage> members)
    {
        // A sequence of one photo is a line of two equal points, as before (the encoder leaves it out: no extent).
        var count = Math.Max(2, members.Length);
        var path = new double[2 * count];
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i < count; i++)
        {
            ref readonly var image = ref members[Math.Min(i, members.Length - 1)];
            var (x, y) = ZoomZeroPixels(image.Lat, image.Lon);
            path[2 * i] = x;
            path[2 * i + 1] = y;
            minX = Math.Min(minX, x); maxX = Math.Max(maxX, x);
            minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
        }
        return new SequenceDrawing(
            username is null ? null : Text(username), KeysJson(members), AnglesJson(members), Text(shape.Key),
            Text(Earliest(members).ToString(CultureInfo.InvariantCulture)),
            path, minX, minY, maxX, maxY);
    }

    private static long Earliest(ReadOnlySpan<IndexedImage> members)
    {
        var earliest = long.MaxValue;
        foreach (ref readonly var image in members)
            earliest = Math.Min(earliest, image.CapturedAt);
        return earliest;
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

    [ThreadStatic] private static byte[]? jsonBuffer;

    // The JSON arrays are written by hand, with the text System.Text.Json wrote them with (JsonSerializer's default
    // options: no spaces; a key's base64url characters need no escaping; an angle in the shortest form that reads back
    // the same double, which is what Utf8JsonWriter.WriteNumberValue(double) writes): the same bytes, without the
    // writer's per-value checks and without a string per key. Kept as the UTF-8 the tile carries.

    /// <summary>["key1","key2",...]: 25 bytes a photo.</summary>
    private static TileValue KeysJson(ReadOnlySpan<IndexedImage> members)
    {
        var json = JsonBuffer(2 + 25 * members.Length);
        var at = 0;
        json[at++] = (byte)'[';
        foreach (ref readonly var image in members)
        {
            if (at > 1)
                json[at++] = (byte)',';
            json[at++] = (byte)'"';
            image.WriteKeyUtf8(json.AsSpan(at, 22));
            at += 22;
            json[at++] = (byte)'"';
        }
        json[at++] = (byte)']';
        return TileValue.Utf8(json.AsSpan(0, at));
    }

    /// <summary>[107.0,null,...]: each photo's stored angle, null when it has none (or one JSON cannot write).</summary>
    private static TileValue AnglesJson(ReadOnlySpan<IndexedImage> members)
    {
        // A double is at most 24 characters in its shortest round-trip form ("-1.7976931348623157E+308"), and a comma.
        var json = JsonBuffer(2 + 25 * members.Length);
        var at = 0;
        json[at++] = (byte)'[';
        foreach (ref readonly var image in members)
        {
            if (at > 1)
                json[at++] = (byte)',';
            at += FormattedAngle(image.StoredCa, json.AsSpan(at));
        }
        json[at++] = (byte)']';
        return TileValue.Utf8(json.AsSpan(0, at));
    }

    // Shortest round-trip formatting is most of a drawing's cost (Grisu, and Dragon4's big integers where Grisu gives up:
    // a single-precision angle widened to double needs 17 digits), and angles repeat: a sensor's or an app's precision
    // (whole or tenth degrees, single-precision floats) leaves a few thousand distinct values in millions of photos. So
    // the text of recent angles is remembered by their bits, in a fixed table (last writer wins a slot; entries are
    // immutable, so threads share it without a lock). An angle not remembered is formatted as before.
    private sealed class Angle(ulong bits, byte[] utf8)
    {
        public readonly ulong Bits = bits;
        public readonly byte[] Utf8 = utf8;
    }

    private const int AngleSlotBits = 14;
    private static readonly Angle?[] Angles = new Angle?[1 << AngleSlotBits];

    /// <summary>Writes the angle as JSON ("null" when it has none, or is not finite); returns the bytes written.</summary>
    private static int FormattedAngle(double angle, Span<byte> into)
    {
        if (!double.IsFinite(angle))
        {
            "null"u8.CopyTo(into);
            return 4;
        }
        var bits = BitConverter.DoubleToUInt64Bits(angle);
        var slot = (int)((bits * 0x9E3779B97F4A7C15UL) >> (64 - AngleSlotBits));
        if (Angles[slot] is { } known && known.Bits == bits)
        {
            known.Utf8.CopyTo(into);
            return known.Utf8.Length;
        }
        angle.TryFormat(into, out var written, default, CultureInfo.InvariantCulture);
        Angles[slot] = new Angle(bits, into[..written].ToArray());
        return written;
    }

    private static byte[] JsonBuffer(int size)
    {
        if (jsonBuffer is null || jsonBuffer.Length < size)
            jsonBuffer = new byte[Math.Max(size, 16 * 1024)];
        return jsonBuffer;
    }
}
