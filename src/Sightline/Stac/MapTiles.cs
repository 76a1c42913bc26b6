using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Search.Index;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Stac;

/// <summary>
/// Builds the Mapbox Vector Tiles of <c>/api/map</c> in the layout the Panoramax viewer reads: a coarse <c>grid</c> of photo
/// counts up to zoom <see cref="GridMaxZoom"/>, then <c>sequences</c> as lines, and from zoom <see cref="PicturesMinZoom"/>
/// the <c>pictures</c> as points. Property names are those of Panoramax's tiles (docs/stac.md).
/// </summary>
public sealed class MapTiles(IStacMapSource source)
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

    /// <summary>The tile's bytes; zero bytes (an empty tile) where there is nothing.</summary>
    public byte[] Build(int z, int x, int y, int? userId, Func<int, string> userUuid)
    {
        var tile = new Tile(x, y, z);
        var vectorTile = new VectorTile { TileId = tile.Id };
        if (z <= GridMaxZoom)
            AddIfAny(vectorTile, Grid(tile, userId));
        else
            AddIfAny(vectorTile, Sequences(tile, userId, userUuid));
        if (z >= PicturesMinZoom)
            AddIfAny(vectorTile, Pictures(tile, userId, userUuid));
        if (vectorTile.Layers.Count == 0)
            return [];
        using var bytes = new MemoryStream();
        vectorTile.Write(bytes, minLinealExtent: 0, minPolygonalExtent: 1, Extent);
        return bytes.ToArray();
    }

    private static void AddIfAny(VectorTile tile, Layer layer)
    {
        if (layer.Features.Count > 0)
            tile.Layers.Add(layer);
    }

    private static GeoBox Box(Tile tile, double bufferLat = 0, double bufferLon = 0) =>
        new(Math.Max(-90, tile.Bottom - bufferLat), Math.Max(-180, tile.Left - bufferLon), Math.Min(90, tile.Top + bufferLat), Math.Min(180, tile.Right + bufferLon));

    private Layer Grid(Tile tile, int? userId)
    {
        var counter = new CellCounter(tile, new int[GridCells * GridCells]);
        source.Scan(Box(tile), userId, ref counter);
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

    private Layer Sequences(Tile tile, int? userId, Func<int, string> userUuid)
    {
        var bufferLat = Math.Max((tile.Top - tile.Bottom) * 64 / Extent, SequenceReachMeters / 111_000);
        var bufferLon = Math.Max((tile.Right - tile.Left) * 64 / Extent, SequenceReachMeters / (111_000 * Math.Max(0.01, Math.Cos(tile.Top * Math.PI / 180))));
        // Far out, points closer than a tile pixel draw the same: keep one of each run to bound the work.
        var snap = tile.Zoom < 12 ? (tile.Right - tile.Left) / 512 : 0;
        var grouper = new SequenceGrouper(new Dictionary<int, List<(long At, double Lon, double Lat)>>(), new Dictionary<int, int>());
        source.Scan(Box(tile, bufferLat, bufferLon), userId, ref grouper);
        var layer = new Layer { Name = "sequences" };
        var uncrowded = grouper.Points.Count <= CrowdedAbove;
        foreach (var (sequenceId, points) in grouper.Points.OrderByDescending(p => p.Value.Count).Take(MaxSequences))
        {
            var key = source.SequenceKey(sequenceId);
            if (key is null)
                continue;
            points.Sort((a, b) => a.At.CompareTo(b.At));
            var coordinates = new List<Coordinate>(points.Count + 1);
            foreach (var (_, lon, lat) in points)
            {
                var point = snap > 0 ? new Coordinate(Math.Round(lon / snap) * snap, Math.Round(lat / snap) * snap) : new Coordinate(lon, lat);
                if (coordinates.Count == 0 || !coordinates[^1].Equals2D(point))
                    coordinates.Add(point);
            }
            if (coordinates.Count == 1)
                coordinates.Add(coordinates[0].Copy());
            var attributes = new AttributesTable
            {
                { "id", key },
                { "account_id", userUuid(grouper.Owners[sequenceId]) },
                { "model", "" },
                { "type", "flat" },
                { "date", Date(points[0].At) },
            };
            if (uncrowded)
                attributes.Add("uncrowded", true);
            layer.Features.Add(new Feature(Geometries.CreateLineString([.. coordinates]), attributes));
        }
        return layer;
    }

    private Layer Pictures(Tile tile, int? userId, Func<int, string> userUuid)
    {
        var collector = new PictureCollector(new List<IndexedImage>(), MaxPictures);
        source.Scan(Box(tile), userId, ref collector);
        var layer = new Layer { Name = "pictures" };
        var uncrowded = collector.Found.Count <= CrowdedAbove;
        foreach (var image in collector.Found)
        {
            var key = source.SequenceKey(image.SequenceId);
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

    private readonly struct CellCounter(Tile tile, int[] counts) : IndexState.IMatchVisitor
    {
        public int[] Counts => counts;

        public void Visit(in IndexedImage image)
        {
            var scale = (double)(1 << tile.Zoom) * GridCells;
            var px = (image.Lon + 180) / 360 * scale - tile.X * GridCells;
            var sinLat = Math.Sin(image.Lat * Math.PI / 180);
            var py = (0.5 - Math.Log((1 + sinLat) / (1 - sinLat)) / (4 * Math.PI)) * scale - tile.Y * GridCells;
            var cx = Math.Clamp((int)px, 0, GridCells - 1);
            var cy = Math.Clamp((int)py, 0, GridCells - 1);
            counts[cy * GridCells + cx]++;
        }
    }

    private readonly struct SequenceGrouper(Dictionary<int, List<(long At, double Lon, double Lat)>> points, Dictionary<int, int> owners)
        : IndexState.IMatchVisitor
    {
        public Dictionary<int, List<(long At, double Lon, double Lat)>> Points => points;
        public Dictionary<int, int> Owners => owners;

        public void Visit(in IndexedImage image)
        {
            if (image.SequenceId == 0)
                return;
            if (!points.TryGetValue(image.SequenceId, out var list))
            {
                points[image.SequenceId] = list = [];
                owners[image.SequenceId] = image.UserId;
            }
            list.Add((image.CapturedAt, image.Lon, image.Lat));
        }
    }

    private readonly struct PictureCollector(List<IndexedImage> found, int max) : IndexState.IMatchVisitor
    {
        public List<IndexedImage> Found => found;

        public void Visit(in IndexedImage image)
        {
            if (found.Count < max)
                found.Add(image);
        }
    }
}
