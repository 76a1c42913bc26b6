using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;
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

    private const uint Extent = 4096;
    // How far beyond the tile's edges sequences are fetched: 64 tile units, as the usual tile buffer.
    private const double BufferFraction = 64.0 / Extent;
    private static readonly GeometryFactory Geometries = new(new PrecisionModel(), 4326);

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
        var tile = new Tile((int)Coordinate("x", x, max), (int)Coordinate("y", y, max), zoom);

        // Sequences whose images lie just outside the tile still draw into it.
        var bufferLon = (tile.Right - tile.Left) * BufferFraction;
        var bufferLat = (tile.Top - tile.Bottom) * BufferFraction;
        var filter = new ImageFilter
        {
            Areas = GeoBox.Covering(Math.Max(-90, tile.Bottom - bufferLat), Math.Max(-180, tile.Left - bufferLon),
                Math.Min(90, tile.Top + bufferLat), Math.Min(180, tile.Right + bufferLon)),
        };
        var found = await sequences.NewestAsync(new BoxSearch(filter, 0, MaxFeatures));

        var layer = new Layer { Name = LayerName };
        foreach (var sequence in found.Sequences)
            layer.Features.Add(new Feature(Line(sequence), Properties(sequence)));
        var vectorTile = new VectorTile { TileId = tile.Id, Layers = { layer } };
        using var bytes = new MemoryStream();
        vectorTile.Write(bytes, Extent);

        response.Headers.CacheControl = $"public, max-age={PublicMaxAgeSeconds}";
        return Results.Bytes(bytes.ToArray(), "application/vnd.mapbox-vector-tile");
    }

    // The path through the sequence's images in WGS84 (the writer projects it into the tile); a sequence of one photo
    // is a line of two equal points, which the writer leaves out where it would be shorter than a tile unit.
    private static LineString Line(Sequence sequence)
    {
        var points = sequence.Images.Select(i => new Coordinate(i.Lon, i.Lat)).ToList();
        if (points.Count == 1)
            points.Add(points[0].Copy());
        return Geometries.CreateLineString([.. points]);
    }

    private static AttributesTable Properties(Sequence sequence) => new()
    {
        { "username", sequence.Images[0].Username },
        { "layer", LayerName },
        { "keys", JsonSerializer.Serialize(sequence.Images.Select(i => i.Key)) },
        { "cas", JsonSerializer.Serialize(sequence.Images.Select(i => i.Ca)) },
        { "key", sequence.Key },
        { "captured_at", sequence.CapturedAt.ToString(CultureInfo.InvariantCulture) },
    };

    private static long Coordinate(string name, string raw, long max)
    {
        if (raw.Length is 0 or > 8 || !raw.All(char.IsAsciiDigit) || !long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
            throw ApiException.Invalid(name, $"must be a whole number from 0 to {max}" + (name == "z" ? "" : " at this zoom"));
        return value;
    }
}
