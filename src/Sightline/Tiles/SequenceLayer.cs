using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using NetTopologySuite.IO.VectorTiles.Tiles.WebMercator;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Tiles;

/// <summary>
/// The <c>mapillary-sequences</c> layer of one tile, encoded straight into the Mapbox Vector Tile wire format. It does
/// what NetTopologySuite.IO.VectorTiles.Mapbox's <c>MapboxTileWriter</c> (protobuf-net over the package's contract) did
/// for these lines, with the same arithmetic, the same rules and the same field order, so the bytes are the same: a line
/// whose envelope is under one tile unit wide and high is left out, a point in the same tile unit as the one before is
/// skipped, property keys and values are numbered by first use. What it saves is the per-tile projection of every photo
/// (from the zoom-0 pixels of <see cref="SequenceDrawing"/>), the re-encoding of every property string (a
/// <see cref="TileValue"/> is kept encoded) and protobuf-net's object graph: each feature is written once into a
/// per-thread buffer, and the tile is one copy from it into a pooled buffer.
/// </summary>
public sealed class SequenceLayer
{
    private const uint MoveToOne = 1 | (1 << 3);
    private const uint LineTo = 2;

    // Property keys: their index in the tile's key table, in order of first use.
    private const int Username = 0, LayerKey = 1, Keys = 2, Cas = 3, Key = 4, CapturedAt = 5;
    private static readonly byte[][] KeyNames = [.. new[] { "username", "layer", "keys", "cas", "key", "captured_at" }.Select(Encoding.UTF8.GetBytes)];
    private static readonly byte[] LayerName = Encoding.UTF8.GetBytes(SequenceTiles.LayerName);
    private static readonly TileValue LayerValue = TileValue.Text(SequenceTiles.LayerName);

    private readonly int[] keyIndex = [-1, -1, -1, -1, -1, -1];
    private readonly List<int> keyOrder = new(6);
    private readonly Dictionary<TileValue, uint> valueIndex;
    private readonly List<TileValue> values;
    private readonly Scratch scratch;
    private readonly double scale;
    private readonly long left;
    private readonly long top;

    public SequenceLayer(Tile tile)
    {
        scale = 1L << tile.Zoom;
        // The tile's corner in global pixels, as the package's TileGeometryTransform finds it.
        var resolution = WebMercatorHandler.Resolution(tile.Zoom, (int)SequenceTiles.Extent);
        (left, top) = WebMercatorHandler.FromMetersToPixels(WebMercatorHandler.LatLonToMeters(tile.Top, tile.Left), resolution);
        scratch = Scratch.ForThisThread();
        valueIndex = scratch.ValueIndex;
        values = scratch.Values;
    }

    public int Count { get; private set; }

    /// <summary>
    /// Adds the sequence's line with all six properties. A line shorter than a tile unit (a short sequence at a mid zoom,
    /// a single photo) is kept as the shortest line the tile can hold, one unit east from its first point, so coverage
    /// never disappears: MapLibre draws no line whose points all coincide.
    /// </summary>
    public bool AddSequence(SequenceDrawing drawing)
    {
        if (!Geometry(drawing.Path, (drawing.MinX, drawing.MinY, drawing.MaxX, drawing.MaxY), 1))
            return false;
        var tags = scratch.Tags;
        var n = 0;
        if (drawing.Username is { } username)
            n = Tag(tags, n, Username, username);
        n = Tag(tags, n, LayerKey, LayerValue);
        n = Tag(tags, n, Keys, drawing.Keys);
        n = Tag(tags, n, Cas, drawing.Cas);
        n = Tag(tags, n, Key, drawing.Key);
        n = Tag(tags, n, CapturedAt, drawing.CapturedAt);
        WriteFeature(n);
        return true;
    }

    /// <summary>
    /// Adds an overview line (zoom-0 pixels, bounds of the whole sequence), with the photos' keys and angles when given
    /// (<paramref name="drawing"/>: all six properties, as <see cref="AddSequence"/>) or without them. A line under one
    /// tile unit is drawn <paramref name="minimumLength"/> units long from its first point, so it stays visible.
    /// </summary>
    public bool AddOverview(double[] path, (double MinX, double MinY, double MaxX, double MaxY) bounds, int minimumLength,
        TileValue? username, TileValue key, TileValue capturedAt, SequenceDrawing? drawing = null)
    {
        if (!Geometry(path, bounds, minimumLength))
            return false;
        var tags = scratch.Tags;
        var n = 0;
        if (username is not null)
            n = Tag(tags, n, Username, username);
        n = Tag(tags, n, LayerKey, LayerValue);
        if (drawing is not null)
        {
            n = Tag(tags, n, Keys, drawing.Keys);
            n = Tag(tags, n, Cas, drawing.Cas);
        }
        n = Tag(tags, n, Key, key);
        n = Tag(tags, n, CapturedAt, capturedAt);
        WriteFeature(n);
        return true;
    }

    /// <summary>Where a zoom-0 pixel falls in this tile, in tile units (y downwards).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (int X, int Y) Local(double x0, double y0) => ((int)((long)(x0 * scale) - left), (int)(top - (long)(y0 * scale)));

    // The line's commands into scratch.Geometry (scratch.GeometryCount); false when nothing is drawn.
    private bool Geometry(double[] path, (double MinX, double MinY, double MaxX, double MaxY) b, int minimumLength)
    {
        scratch.GeometryCount = 0;
        var wide = (long)(b.MaxX * scale) - (long)(b.MinX * scale) >= 1 || (long)(b.MaxY * scale) - (long)(b.MinY * scale) >= 1;
        if (wide)
            EncodeLine(path);
        if (scratch.GeometryCount == 0 && minimumLength > 0)
            EncodeStub(path, minimumLength);
        return scratch.GeometryCount > 0;
    }

    // MoveTo the first point, LineTo the others that move by at least a unit, each relative to the one before.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EncodeLine(double[] path)
    {
        var geometry = scratch.Geometry(path.Length + 2);
        var (x, y) = Local(path[0], path[1]);
        geometry[0] = MoveToOne;
        geometry[1] = ZigZag(x);
        geometry[2] = ZigZag(y);
        var n = 4; // geometry[3]: the LineTo command, once its count is known
        int currentX = x, currentY = y;
        for (var i = 2; i < path.Length; i += 2)
        {
            (x, y) = Local(path[i], path[i + 1]);
            if (x == currentX && y == currentY)
                continue;
            geometry[n++] = ZigZag(x - currentX);
            geometry[n++] = ZigZag(y - currentY);
            currentX = x; currentY = y;
        }
        var lineTos = (n - 4) / 2;
        if (lineTos == 0)
            return; // a line needs two points
        geometry[3] = LineTo | ((uint)lineTos << 3);
        scratch.GeometryCount = n;
    }

    private void EncodeStub(double[] path, int length)
    {
        var (x, y) = Local(path[0], path[1]);
        var geometry = scratch.Geometry(6);
        geometry[0] = MoveToOne; geometry[1] = ZigZag(x); geometry[2] = ZigZag(y);
        geometry[3] = LineTo | (1 << 3); geometry[4] = ZigZag(length); geometry[5] = ZigZag(0);
        scratch.GeometryCount = 6;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private int Tag(uint[] tags, int n, int key, TileValue value)
    {
        if (keyIndex[key] < 0)
        {
            keyIndex[key] = keyOrder.Count;
            keyOrder.Add(key);
        }
        tags[n] = (uint)keyIndex[key];
        if (!valueIndex.TryGetValue(value, out var index))
        {
            valueIndex[value] = index = (uint)values.Count;
            values.Add(value);
        }
        tags[n + 1] = index;
        return n + 2;
    }

    // Feature: tags (2, packed), type (3) = LineString, geometry (4, packed), as a layer's field 2. No id, as before.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteFeature(int tagCount)
    {
        var tags = scratch.Tags.AsSpan(0, tagCount);
        var geometry = scratch.GeometryBuffer.AsSpan(0, scratch.GeometryCount);
        var tagsLength = PackedSize(tags);
        var geometryLength = PackedSize(geometry);
        var length = 1 + Protobuf.VarintSize((uint)tagsLength) + tagsLength + 2 + 1 + Protobuf.VarintSize((uint)geometryLength) + geometryLength;
        var buffer = scratch.Reserve(1 + Protobuf.VarintSize((uint)length) + length);
        var at = scratch.Written;
        buffer[at++] = 0x12;
        at = Protobuf.WriteVarint(buffer, at, (uint)length);
        buffer[at++] = 0x12;
        at = Protobuf.WriteVarint(buffer, at, (uint)tagsLength);
        foreach (var tag in tags)
            at = Protobuf.WriteVarint(buffer, at, tag);
        buffer[at++] = 0x18;
        buffer[at++] = 2; // GeomType.LineString
        buffer[at++] = 0x22;
        at = Protobuf.WriteVarint(buffer, at, (uint)geometryLength);
        foreach (var command in geometry)
            at = Protobuf.WriteVarint(buffer, at, command);
        scratch.Written = at;
        Count++;
    }

    private static int PackedSize(ReadOnlySpan<uint> items)
    {
        var size = 0;
        foreach (var item in items)
            size += Protobuf.VarintSize(item);
        return size;
    }

    /// <summary>
    /// The tile's bytes: one layer (name 1, features 2, keys 3, values 4, extent 5, version 15, in the order protobuf-net
    /// wrote them), even when it has no features (an empty tile, as before): the first <c>Length</c> bytes of a buffer
    /// rented from <see cref="ArrayPool{T}.Shared"/>, for the caller to return.
    /// </summary>
    public (byte[] Buffer, int Length) Serialize()
    {
        var layerLength = 1 + Protobuf.VarintSize((uint)LayerName.Length) + LayerName.Length + scratch.Written;
        foreach (var key in keyOrder)
            layerLength += 1 + Protobuf.VarintSize((uint)KeyNames[key].Length) + KeyNames[key].Length;
        foreach (var value in values)
            layerLength += 1 + Protobuf.VarintSize((uint)value.Message.Length) + value.Message.Length;
        layerLength += 1 + Protobuf.VarintSize(SequenceTiles.Extent) + 2;

        var length = 1 + Protobuf.VarintSize((uint)layerLength) + layerLength;
        var bytes = ArrayPool<byte>.Shared.Rent(length);
        var at = 0;
        bytes[at++] = 0x1A; // Tile.layers (3)
        at = Protobuf.WriteVarint(bytes, at, (uint)layerLength);
        at = Bytes(bytes, at, 0x0A, LayerName);
        scratch.Features.AsSpan(0, scratch.Written).CopyTo(bytes.AsSpan(at));
        at += scratch.Written;
        foreach (var key in keyOrder)
            at = Bytes(bytes, at, 0x1A, KeyNames[key]);
        foreach (var value in values)
            at = Bytes(bytes, at, 0x22, value.Message);
        bytes[at++] = 0x28;
        at = Protobuf.WriteVarint(bytes, at, SequenceTiles.Extent);
        bytes[at++] = 0x78; // version (15)
        bytes[at++] = 2;
        scratch.Release();
        return (bytes, length);
    }

    private static int Bytes(byte[] into, int at, byte tag, byte[] content)
    {
        into[at++] = tag;
        at = Protobuf.WriteVarint(into, at, (uint)content.Length);
        content.CopyTo(into, at);
        return at + content.Length;
    }

    // Per-thread buffers for the features and one feature's tags and geometry: a tile is drawn on one thread from start
    // to end (no await in between), and a street tile's features are tens of kilobytes.
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? current;

        public byte[] Features = new byte[64 * 1024];
        public int Written;
        public readonly uint[] Tags = new uint[12];
        public uint[] GeometryBuffer = new uint[1024];
        public int GeometryCount;
        // The value table, kept sized between tiles (a street tile has a few hundred values).
        public readonly Dictionary<TileValue, uint> ValueIndex = new(512);
        public readonly List<TileValue> Values = new(512);

        public static Scratch ForThisThread()
        {
            var scratch = current ??= new Scratch();
            scratch.Written = 0;
            scratch.ValueIndex.Clear();
            scratch.Values.Clear();
            return scratch;
        }

        public uint[] Geometry(int size)
        {
            if (GeometryBuffer.Length < size)
                GeometryBuffer = new uint[Math.Max(size, 2 * GeometryBuffer.Length)];
            return GeometryBuffer;
        }

        public byte[] Reserve(int more)
        {
            if (Written + more > Features.Length)
                Array.Resize(ref Features, Math.Max(Written + more, 2 * Features.Length));
            return Features;
        }

        // A huge street tile's buffers are not kept; no value outlives its tile here.
        public void Release()
        {
            Values.Clear();
            ValueIndex.Clear();
            if (Features.Length > 4 * 1024 * 1024 || GeometryBuffer.Length > 1024 * 1024 || ValueIndex.EnsureCapacity(0) > 8192)
                current = null;
        }
    }
}
