using System.Buffers;
using NetTopologySuite.IO.VectorTiles.Tiles.WebMercator;
using Mvt = NetTopologySuite.IO.VectorTiles.Mapbox.Tile;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Tiles;

/// <summary>
/// The <c>mapillary-sequences</c> layer of one tile, built straight into NetTopologySuite.IO.VectorTiles.Mapbox's
/// protobuf contract (<see cref="Mvt"/>) and serialized by protobuf-net as that package's writer does. It does what the
/// package's <c>MapboxTileWriter</c> did for these lines, with the same arithmetic and the same rules, so the bytes are
/// the same: a line whose envelope is under one tile unit wide and high is left out, a point in the same tile unit as
/// the one before is skipped, property keys and values are numbered by first use. What it saves is the per-tile
/// projection of every photo (from the zoom-0 pixels of <see cref="SequenceDrawing"/>), the geometry and attribute
/// objects and the rehashing of every property string.
/// </summary>
public sealed class SequenceLayer
{
    private const uint MoveToOne = 1 | (1 << 3);
    private const uint LineTo = 2;

    private readonly Mvt.Layer layer = new() { Version = 2, Name = SequenceTiles.LayerName, Extent = SequenceTiles.Extent };
    private readonly Dictionary<string, uint> keys = [];
    private readonly Dictionary<Mvt.Value, uint> values = [];
    private readonly double scale;
    private readonly long left;
    private readonly long top;

    public SequenceLayer(Tile tile)
    {
        scale = 1L << tile.Zoom;
        // The tile's corner in global pixels, as the package's TileGeometryTransform finds it.
        var resolution = WebMercatorHandler.Resolution(tile.Zoom, (int)SequenceTiles.Extent);
        (left, top) = WebMercatorHandler.FromMetersToPixels(WebMercatorHandler.LatLonToMeters(tile.Top, tile.Left), resolution);
    }

    public int Count => layer.Features.Count;

    private static readonly Mvt.Value LayerValue = SequenceDrawing.Text(SequenceTiles.LayerName);

    /// <summary>Adds the sequence's line with all six properties; false when it is shorter than a tile unit and left out.</summary>
    public bool AddSequence(SequenceDrawing drawing) =>
        Add(drawing.Path, (drawing.MinX, drawing.MinY, drawing.MaxX, drawing.MaxY), 0,
            [("username", drawing.Username), ("layer", LayerValue), ("keys", drawing.Keys), ("cas", drawing.Cas),
             ("key", drawing.Key), ("captured_at", drawing.CapturedAt)]);

    /// <summary>
    /// Adds an overview line (zoom-0 pixels, bounds of the whole sequence) without the photos' keys and angles. A line
    /// under one tile unit is drawn <paramref name="minimumLength"/> units long from its first point, so it stays visible.
    /// </summary>
    public bool AddOverview(double[] path, (double MinX, double MinY, double MaxX, double MaxY) bounds, int minimumLength,
        Mvt.Value? username, Mvt.Value key, Mvt.Value capturedAt) =>
        Add(path, bounds, minimumLength, [("username", username), ("layer", LayerValue), ("key", key), ("captured_at", capturedAt)]);

    /// <summary>Where a zoom-0 pixel falls in this tile, in tile units (y downwards).</summary>
    public (int X, int Y) Local(double x0, double y0) => ((int)((long)(x0 * scale) - left), (int)(top - (long)(y0 * scale)));

    private bool Add(double[] path, (double MinX, double MinY, double MaxX, double MaxY) b, int minimumLength, (string Key, Mvt.Value? Value)[] properties)
    {
        var feature = new Mvt.Feature { Type = Mvt.GeomType.LineString };
        var wide = (long)(b.MaxX * scale) - (long)(b.MinX * scale) >= 1 || (long)(b.MaxY * scale) - (long)(b.MinY * scale) >= 1;
        if (wide)
            EncodeLine(feature.Geometry, path);
        if (feature.Geometry.Count == 0 && minimumLength > 0)
            EncodeStub(feature.Geometry, path, minimumLength);
        if (feature.Geometry.Count == 0)
            return false;
        foreach (var (key, value) in properties)
        {
            if (value is null)
                continue; // as the package's writer: a property without a value is left out
            feature.Tags.Add(Index(keys, key));
            feature.Tags.Add(Index(values, value));
        }
        layer.Features.Add(feature);
        return true;
    }

    // MoveTo the first point, LineTo the others that move by at least a unit, each relative to the one before.
    private void EncodeLine(List<uint> geometry, double[] path)
    {
        geometry.EnsureCapacity(path.Length + 2);
        int currentX = 0, currentY = 0;
        geometry.Add(MoveToOne);
        var (x, y) = Local(path[0], path[1]);
        geometry.Add(ZigZag(x - currentX));
        geometry.Add(ZigZag(y - currentY));
        currentX = x; currentY = y;
        geometry.Add(LineTo);
        var lineTos = 0;
        for (var i = 2; i < path.Length; i += 2)
        {
            (x, y) = Local(path[i], path[i + 1]);
            if (x == currentX && y == currentY)
                continue;
            geometry.Add(ZigZag(x - currentX));
            geometry.Add(ZigZag(y - currentY));
            currentX = x; currentY = y;
            lineTos++;
        }
        if (lineTos == 0)
            geometry.Clear(); // a line needs two points
        else
            geometry[3] = LineTo | ((uint)lineTos << 3);
    }

    private void EncodeStub(List<uint> geometry, double[] path, int length)
    {
        var (x, y) = Local(path[0], path[1]);
        geometry.AddRange([MoveToOne, ZigZag(x), ZigZag(y), LineTo | (1 << 3), ZigZag(length), ZigZag(0)]);
    }

    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static uint Index<T>(Dictionary<T, uint> table, T item) where T : notnull
    {
        if (!table.TryGetValue(item, out var index))
            table[item] = index = (uint)table.Count;
        return index;
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? output;

    /// <summary>The tile's bytes: one layer, even when it has no features (an empty tile, as before).</summary>
    public byte[] Serialize()
    {
        layer.Keys.AddRange(keys.Keys);
        layer.Values.AddRange(values.Keys);
        var tile = new Mvt();
        tile.Layers.Add(layer);
        // Into a buffer rather than a stream: protobuf-net then measures each message before writing it, where with a
        // stream it writes it and moves it along to make room for its length (a third of a tile's time).
        var buffer = output ??= new ArrayBufferWriter<byte>(64 * 1024);
        buffer.ResetWrittenCount();
        ProtoBuf.Serializer.Serialize<Mvt>(buffer, tile);
        // Uninitialized: every byte is copied over at once, and a street tile is tens of kilobytes.
        var bytes = GC.AllocateUninitializedArray<byte>(buffer.WrittenCount);
        buffer.WrittenSpan.CopyTo(bytes);
        if (buffer.Capacity > 4 * 1024 * 1024)
            output = null; // a huge street tile's buffer is not kept
        return bytes;
    }
}
