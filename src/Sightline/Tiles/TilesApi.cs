using System.Globalization;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Search;
using Sightline.Search.Index;
using Sightline.Sequences;

namespace Sightline.Tiles;

/// <summary>
/// <c>GET /tiles/{z}/{x}/{y}.mapbox</c>: public sequences as Mapbox Vector Tiles, XYZ-addressed, served like a CDN
/// without client_id (spec §3.9, §5 items 7 and 51).
/// </summary>
public static class TilesApi
{
    public const string LayerName = "mapillary-sequences";
    public const int MaxZoom = 22;
    /// <summary>A cap on the sequences in one tile, so a world tile of a large archive stays cheap.</summary>
    public const int MaxFeatures = 2000;
    public const int PublicMaxAgeSeconds = 300;

    // Sequences whose images lie just outside the tile still draw into it.
    private const double BufferFraction = 64.0 / VectorTile.DefaultExtent;

    public static IEndpointConventionBuilder MapTiles(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/tiles/{z}/{x}/{y}.mapbox", GetTile)
            .AllowWithoutClient()
            .WithTags("Vector tiles")
            .WithName("GetTile")
            .WithSummary("A vector tile of sequences")
            .WithDescription($"Mapbox Vector Tile, zoom 0 to {MaxZoom}, extent 4096, one layer '{LayerName}' of LineStrings with string " +
                             "properties username, layer, keys (JSON array), cas (JSON array), key and captured_at (epoch ms). " +
                             $"Public sequences only, at most {MaxFeatures} per tile, newest first.");

    public static async Task<IResult> GetTile(string z, string x, string y, HttpResponse response, SequenceSearch sequences)
    {
        var zoom = (int)Coordinate("z", z, MaxZoom);
        var max = (1L << zoom) - 1;
        var column = Coordinate("x", x, max);
        var row = Coordinate("y", y, max);

        var (minLat, minLon, maxLat, maxLon) = Bounds(zoom, column, row);
        var bufferLon = (maxLon - minLon) * BufferFraction;
        var bufferLat = (maxLat - minLat) * BufferFraction;
        var filter = new ImageFilter
        {
            Areas = GeoBox.Covering(Math.Max(-90, minLat - bufferLat), Math.Max(-180, minLon - bufferLon),
                Math.Min(90, maxLat + bufferLat), Math.Min(180, maxLon + bufferLon)),
        };
        var found = await sequences.NewestAsync(new BoxSearch(filter, 0, MaxFeatures));

        var tile = new VectorTile(LayerName);
        foreach (var sequence in found.Sequences)
            tile.AddLine(sequence.Images.Select(i => Project(i.Lat, i.Lon, zoom, column, row)).ToList(), Properties(sequence));

        response.Headers.CacheControl = $"public, max-age={PublicMaxAgeSeconds}";
        return Results.Bytes(tile.ToBytes(), "application/vnd.mapbox-vector-tile");
    }

    private static IEnumerable<KeyValuePair<string, string>> Properties(Sequence sequence)
    {
        var username = sequence.Images[0].Username;
        yield return new("username", username);
        yield return new("layer", LayerName);
        yield return new("keys", "[" + string.Join(", ", sequence.Images.Select(i => $"\"{i.Key}\"")) + "]");
        yield return new("cas", "[" + string.Join(", ", sequence.Images.Select(i =>
            i.Ca is { } ca ? ca.ToString("R", CultureInfo.InvariantCulture) : "null")) + "]");
        yield return new("key", sequence.Key);
        yield return new("captured_at", sequence.CapturedAt.ToString(CultureInfo.InvariantCulture));
    }

    private static long Coordinate(string name, string raw, long max)
    {
        if (raw.Length is 0 or > 8 || !raw.All(char.IsAsciiDigit) || !long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
            throw ApiException.Invalid(name, $"must be a whole number from 0 to {max}" + (name == "z" ? "" : " at this zoom"));
        return value;
    }

    // Web Mercator (EPSG:3857) tile bounds in degrees.
    private static (double MinLat, double MinLon, double MaxLat, double MaxLon) Bounds(int zoom, long x, long y)
    {
        var n = Math.Pow(2, zoom);
        static double Lat(double yTile, double n) => Math.Atan(Math.Sinh(Math.PI * (1 - 2 * yTile / n))) * 180 / Math.PI;
        var maxLat = y == 0 ? 90 : Lat(y, n);
        var minLat = y == (long)n - 1 ? -90 : Lat(y + 1, n);
        return (minLat, x / n * 360 - 180, maxLat, (x + 1) / n * 360 - 180);
    }

    private static (long X, long Y) Project(double lat, double lon, int zoom, long x, long y)
    {
        var n = Math.Pow(2, zoom);
        var clampedLat = Math.Clamp(lat, -85.05112878, 85.05112878) * Math.PI / 180;
        var worldX = (lon + 180) / 360;
        var worldY = (1 - Math.Log(Math.Tan(clampedLat) + 1 / Math.Cos(clampedLat)) / Math.PI) / 2;
        return ((long)Math.Round((worldX * n - x) * VectorTile.DefaultExtent), (long)Math.Round((worldY * n - y) * VectorTile.DefaultExtent));
    }
}
