using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Access;
using Sightline.Search;
using Sightline.Search.Index;
using Sightline.Sequences;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Tests.Tiles;

/// <summary>
/// The tile handler as it was before tiles came from memory (commit 2ed8e6f): the sequences found through the index, then
/// each read whole from the database (as the sequence search then did). Kept here, mapped at a test-only path, as the
/// reference the new tiles must equal.
/// </summary>
public static class LegacySequenceTiles
{
    public const string Path = "/test/legacy-tiles/{z:int}/{x:int}/{y:int}";

    private static readonly GeometryFactory Geometries = new(new PrecisionModel(), 4326);

    public static void Map(IEndpointRouteBuilder routes) => routes.MapGet(Path, GetAsync).AllowWithoutClient();

    private static async Task<IResult> GetAsync(int z, int x, int y, SequenceSearch sequences, ISequenceStore store)
    {
        var tile = new Tile(x, y, z);
        var bufferLon = (tile.Right - tile.Left) * (64.0 / 4096);
        var bufferLat = (tile.Top - tile.Bottom) * (64.0 / 4096);
        var filter = new ImageFilter
        {
            Areas = GeoBox.Covering(Math.Max(-90, tile.Bottom - bufferLat), Math.Max(-180, tile.Left - bufferLon),
                Math.Min(90, tile.Top + bufferLat), Math.Min(180, tile.Right + bufferLon)),
        };
        var found = await sequences.NewestAsync(new BoxSearch(filter, 0, 2000));
        var layer = new Layer { Name = "mapillary-sequences" };
        // The sequences as the database has them (the search now takes public ones from memory).
        foreach (var line in found.Sequences)
            if (await store.FindVisibleAsync(line.Key, new Images.Viewer(null, false)) is { } sequence)
                layer.Features.Add(new Feature(Line(sequence), Properties(sequence)));
        var vectorTile = new VectorTile { TileId = tile.Id, Layers = { layer } };
        using var bytes = new MemoryStream();
#pragma warning disable CS0618 // the overload the server used
        vectorTile.Write(bytes, 4096);
#pragma warning restore CS0618
        return Results.Bytes(bytes.ToArray(), "application/vnd.mapbox-vector-tile");
    }

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
        { "layer", "mapillary-sequences" },
        { "keys", JsonSerializer.Serialize(sequence.Images.Select(i => i.Key)) },
        { "cas", JsonSerializer.Serialize(sequence.Images.Select(i => i.Ca)) },
        { "key", sequence.Key },
        { "captured_at", sequence.CapturedAt.ToString(CultureInfo.InvariantCulture) },
    };
}
