using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Sightline.Search.Index;
using Sightline.Tiles;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Stac;

/// <summary>
/// Builds the Mapbox Vector Tiles of <c>/api/map</c> in the layout the Panoramax viewer reads: a coarse <c>grid</c> of photo
/// counts up to zoom <see cref="GridMaxZoom"/>, then <c>sequences</c> as lines, and from zoom <see cref="PicturesMinZoom"/>
/// the <c>pictures</c> as points. Property names are those of Panoramax's tiles (docs/stac.md). Everything comes from the
/// in-memory sequences that draw <c>/tiles</c> (<see cref="SequenceGeometry"/>: one version of the index for the whole
/// tile), and an encoded tile is kept until the index changes.
/// </summary>
public sealed class MapTiles(SequenceGeometry geometry, IOptions<StacOptions> options) : IDisposable
{
    public const int MaxZoom = 22;
    public const int GridMaxZoom = 5;
    public const int PicturesMinZoom = 15;
    private const int GridCells = 16;
    private const uint Extent = 4096;
    private const int MaxSequences = 5000;
    private const int MaxPictures = 20_000;
    // Below this many features a tile is "uncrowded": the viewer then draws wider lines and bigger dots.
    private const int CrowdedAbove = 500;
    // Consecutive photos of a sequence are at most 100 m apart (SequenceOptions), so a line crossing a tile edge has its
    // outside end within this reach.
    private const double SequenceReachMeters = 150;
    private static readonly GeometryFactory Geometries = new(new PrecisionModel(), 4326);

    private readonly MemoryCache? cache = options.Value.TileCacheMegabytes > 0
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.TileCacheMegabytes * 1024L * 1024 })
        : null;

    private sealed record Entry(long Change, byte[] Bytes);

    /// <summary>
    /// The tile's bytes; zero bytes (an empty tile) where there is nothing. Null when <paramref name="knownUuid"/> did not
    /// know the uuid of some user drawn (null): those are added to <paramref name="unknown"/> for the caller to look up
    /// (asynchronously) before it asks again, and nothing is kept.
    /// </summary>
    public byte[]? Build(int z, int x, int y, int? userId, Func<int, string?> knownUuid, ISet<int> unknown)
    {
        var map = geometry.Current();
        // Any change of the index may change a tile (a photo without a sequence, a new heading), so the index's change
        // counter, not the sequences' epoch, says whether a kept tile is still right.
        var key = (z, x, y, userId);
        var change = map.Images.LastChange;
        if (cache is not null && cache.TryGetValue(key, out Entry? kept) && kept!.Change == change)
            return kept.Bytes;
        var bytes = Encode(map, z, x, y, userId, id =>
        {
            if (knownUuid(id) is { } uuid)
                return uuid;
            unknown.Add(id);
            return "";
        });
        if (unknown.Count > 0)
            return null;
        cache?.Set(key, new Entry(change, bytes), new MemoryCacheEntryOptions { Size = bytes.Length + 100 });
        return bytes;
    }

    private static byte[] Encode(SequenceMap map, int z, int x, int y, int? userId, Func<int, string> userUuid)
    {
        var tile = new Tile(x, y, z);
        var vectorTile = new VectorTile { TileId = tile.Id };
        if (z <= GridMaxZoom)
            AddIfAny(vectorTile, Grid(map, tile, userId));
        else
            AddIfAny(vectorTile, Sequences(map, tile, userId, userUuid));
        if (z >= PicturesMinZoom)
            AddIfAny(vectorTile, Pictures(map, tile, userId, userUuid));
        if (vectorTile.Layers.Count == 0)
            return [];
        using var bytes = new MemoryStream();
        vectorTile.Write(bytes, minLinealExtent: 0, minPolygonalExtent: 1, Extent);
        return bytes.ToArray();
    }

    public void Dispose() => cache?.Dispose();

    private static void AddIfAny(VectorTile tile, Layer layer)
    {
        if (layer.Features.Count > 0)
            tile.Layers.Add(layer);
    }

    private static GeoBox Box(Tile tile, double bufferLat = 0, double bufferLon = 0) =>
        new(Math.Max(-90, tile.Bottom - bufferLat), Math.Max(-180, tile.Left - bufferLon), Math.Min(90, tile.Top + bufferLat), Math.Min(180, tile.Right + bufferLon));

    // Counted by sequence, not by photo: a zoom-0 tile holds the whole archive, but far fewer sequences, and most of them
    // lie within one cell (a zoom-5 cell is about 80 km wide); only those across cell or tile edges are counted photo by photo.
    private static Layer Grid(SequenceMap map, Tile tile, int? userId)
    {
        var box = Box(tile);
        var counter = new CellCounter(tile, new int[GridCells * GridCells]);
        foreach (var shape in map.SequencesIn([box], int.MaxValue))
        {
            if (userId is { } user && shape.UserId != user)
                continue;
            var bounds = shape.Bounds;
            var corner = counter.Cell(bounds.MinLat, bounds.MinLon);
            if (box.Contains(bounds.MinLat, bounds.MinLon) && box.Contains(bounds.MaxLat, bounds.MaxLon) && corner == counter.Cell(bounds.MaxLat, bounds.MaxLon))
            {
                counter.Counts[corner] += shape.Members.Length;
                continue;
            }
            foreach (var image in map.MembersOf(shape))
                if (box.Contains(image.Lat, image.Lon))
                    counter.Counts[counter.Cell(image.Lat, image.Lon)]++;
        }
        var layer = new Layer { Name = "grid" };
        var scale = 1 << tile.Zoom;
        for (var cy = 0; cy < GridCells; cy++)
            for (var cx = 0; cx < GridCells; cx++)
            {
                var count = counter.Counts[cy * GridCells + cx];
                if (count == 0)
                    continue;
                double Lon(int cell) => (tile.X + (double)cell / GridCells) / scale * 360 - 180;
                double Lat(int cell) => Math.Atan(Math.Sinh(Math.PI * (1 - 2 * (tile.Y + (double)cell / GridCells) / scale))) * 180 / Math.PI;
                var (west, east, north, south) = (Lon(cx), Lon(cx + 1), Lat(cy), Lat(cy + 1));
                var cell = Geometries.CreatePolygon([new(west, south), new(east, south), new(east, north), new(west, north), new(west, south)]);
                // On a log scale, so that a cell of ten photos shows beside one of a hundred thousand.
                var coef = Math.Round(Math.Min(1, Math.Log10(count + 1) / 5), 3);
                layer.Features.Add(new Feature(cell, new AttributesTable
                {
                    { "id", $"{tile.Zoom}/{tile.X}/{tile.Y}/{cx}/{cy}" },
                    { "nb_pictures", count },
                    { "nb_360_pictures", 0 },
                    { "nb_flat_pictures", count },
                    { "coef", coef },
                    { "coef_360_pictures", 0.0 },
                    { "coef_flat_pictures", coef },
                }));
            }
        return layer;
    }

    private static Layer Sequences(SequenceMap map, Tile tile, int? userId, Func<int, string> userUuid)
    {
        var bufferLat = Math.Max((tile.Top - tile.Bottom) * 64 / Extent, SequenceReachMeters / 111_000);
        var bufferLon = Math.Max((tile.Right - tile.Left) * 64 / Extent, SequenceReachMeters / (111_000 * Math.Max(0.01, Math.Cos(tile.Top * Math.PI / 180))));
        // Far out, points closer than a tile pixel draw the same: keep one of each run to bound the work.
        var snap = tile.Zoom < 12 ? (tile.Right - tile.Left) / 512 : 0;
        var box = Box(tile, bufferLat, bufferLon);
        var found = map.SequencesIn([box], userId is null ? MaxSequences : int.MaxValue);
        if (userId is { } user)
            found = [.. found.Where(s => s.UserId == user).Take(MaxSequences)];
        var layer = new Layer { Name = "sequences" };
        var uncrowded = found.Count <= CrowdedAbove;
        foreach (var shape in found)
        {
            // The sequence's photos in capture order, those within reach of the tile: the line crosses its edges.
            var members = map.MembersOf(shape);
            var coordinates = new List<Coordinate>(members.Length + 1);
            var first = long.MaxValue;
            foreach (var image in members)
            {
                if (!box.Contains(image.Lat, image.Lon))
                    continue;
                first = Math.Min(first, image.CapturedAt);
                var point = snap > 0
                    ? new Coordinate(Math.Round(image.Lon / snap) * snap, Math.Round(image.Lat / snap) * snap)
                    : new Coordinate(image.Lon, image.Lat);
                if (coordinates.Count == 0 || !coordinates[^1].Equals2D(point))
                    coordinates.Add(point);
            }
            if (coordinates.Count == 0)
                continue;
            // One point (a single photo, or a short sequence snapped to one far out): the tile writer drops a line whose
            // points coincide and MapLibre would not draw it, so the sequence would vanish from the map (at zoom 6, below
            // the style's first line zoom, every street's): the shortest line the tile holds, one unit east, as /tiles does.
            if (coordinates.Count == 1)
                coordinates.Add(new Coordinate(coordinates[0].X + (tile.Right - tile.Left) / Extent, coordinates[0].Y));
            var attributes = new AttributesTable
            {
                { "id", shape.Key },
                { "account_id", userUuid(shape.UserId) },
                { "model", "" },
                { "type", "flat" },
                { "date", Date(first) },
            };
            if (uncrowded)
                attributes.Add("uncrowded", true);
            layer.Features.Add(new Feature(Geometries.CreateLineString([.. coordinates]), attributes));
        }
        return layer;
    }

    private static Layer Pictures(SequenceMap map, Tile tile, int? userId, Func<int, string> userUuid)
    {
        var found = map.ImagesIn([Box(tile)], MaxPictures, userId);
        var layer = new Layer { Name = "pictures" };
        var uncrowded = found.Count <= CrowdedAbove;
        foreach (var image in found)
        {
            var key = map.SequenceKey(image.SequenceId);
            var attributes = new AttributesTable
            {
                { "id", image.Key },
                { "account_id", userUuid(image.UserId) },
                { "ts", StacDocuments.Time(image.CapturedAt) },
                { "heading", float.IsNaN(image.Ca) ? 0 : (int)Math.Round(image.Ca) % 360 },
                { "sequences", JsonSerializer.Serialize(key is null ? Array.Empty<string>() : [key]) },
                { "type", "flat" },
                { "model", "" },
            };
            if (key is not null)
                attributes.Add("first_sequence", key);
            if (uncrowded)
                attributes.Add("uncrowded", true);
            layer.Features.Add(new Feature(Geometries.CreatePoint(new Coordinate(image.Lon, image.Lat)), attributes));
        }
        return layer;
    }

    private static string Date(long epochMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(epochMs).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private readonly struct CellCounter(Tile tile, int[] counts)
    {
        public int[] Counts => counts;

        /// <summary>The grid cell (row-major) a position falls in, clamped to the tile.</summary>
        public int Cell(double lat, double lon)
        {
            var scale = (double)(1 << tile.Zoom) * GridCells;
            var px = (lon + 180) / 360 * scale - tile.X * GridCells;
            var sinLat = Math.Sin(lat * Math.PI / 180);
            var py = (0.5 - Math.Log((1 + sinLat) / (1 - sinLat)) / (4 * Math.PI)) * scale - tile.Y * GridCells;
            return Math.Clamp((int)py, 0, GridCells - 1) * GridCells + Math.Clamp((int)px, 0, GridCells - 1);
        }
    }
}
