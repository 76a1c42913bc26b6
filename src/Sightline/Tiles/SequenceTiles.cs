using System.Buffers;
using System.IO.Hashing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Sightline.Search.Index;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Tiles;

/// <summary>
/// An encoded tile and its entity tag: a 128-bit XXH3 digest of its bytes, so equal content keeps its tag across restarts
/// (no secret is at stake, and a cryptographic digest cost a tenth of a drawn tile). A tile drawn for one answer lives in
/// a pooled buffer, given back by <see cref="Release"/> once it is written; a kept (cached) one owns its array.
/// </summary>
public sealed class EncodedTile
{
    private byte[]? pooled;

    private EncodedTile(byte[] buffer, int length, string etag, bool isPooled)
    {
        Bytes = buffer.AsMemory(0, length);
        ETag = etag;
        pooled = isPooled ? buffer : null;
    }

    public ReadOnlyMemory<byte> Bytes { get; }
    public string ETag { get; }

    /// <summary>A tile kept between requests: its own exact-size array.</summary>
    public static EncodedTile Kept(ReadOnlySpan<byte> bytes, string etag) => new(bytes.ToArray(), bytes.Length, etag, false);

    /// <summary>A tile for one answer, in a buffer rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static EncodedTile Pooled(byte[] buffer, int length, string etag) => new(buffer, length, etag, true);

    public static string TagOf(ReadOnlySpan<byte> bytes) => $"\"{Convert.ToBase64String(XxHash128.Hash(bytes)).TrimEnd('=')}\"";

    /// <summary>Gives a pooled tile's buffer back (once it has been written); nothing for a kept one.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref pooled, null) is { } buffer)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>
/// Makes the <c>mapillary-sequences</c> tiles from the in-memory sequences and keeps the encoded ones by tile and
/// version: a tile is drawn once per change of the archive, however often it is asked for.
/// </summary>
public sealed class SequenceTiles(SequenceGeometry geometry, IOptions<TileOptions> options) : IDisposable
{
    public const string LayerName = "mapillary-sequences";
    /// <summary>A cap on the sequences in one tile, so a world tile of a large archive stays bounded.</summary>
    public const int MaxFeatures = 2000;

    public const uint Extent = 4096;
    // How far beyond the tile's edges sequences are looked for: 64 tile units, as the usual tile buffer.
    private const double BufferFraction = 64.0 / Extent;

    private sealed record Entry(long Epoch, EncodedTile Tile);

    private readonly MemoryCache? cache = options.Value.CacheMegabytes > 0
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.CacheMegabytes * 1024L * 1024 })
        : null;

    // Drawings capped by PropertyCacheMegabytes (least recently used out); uncapped (-1) they are kept on their shapes.
    private readonly MemoryCache? drawings = options.Value.PropertyCacheMegabytes > 0
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.PropertyCacheMegabytes * 1024L * 1024 })
        : null;

    private readonly bool keepDrawings = options.Value.PropertyCacheMegabytes < 0;

    private long drawn;
    private long drawingsBuilt;
    private readonly TaskCompletionSource<int> prepared = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many tiles were drawn (not served from the cache) since start.</summary>
    public long Drawn => Interlocked.Read(ref drawn);

    /// <summary>How many sequence drawings were built since start, ahead of time or on a tile's demand.</summary>
    public long DrawingsBuilt => Interlocked.Read(ref drawingsBuilt);

    /// <summary>Completes with the number of drawings <see cref="Prepare"/> built (0 when it did not run or failed).</summary>
    public Task<int> Prepared => prepared.Task;

    public EncodedTile Get(int zoom, int x, int y)
    {
        var map = geometry.Current();
        var key = (zoom, x, y);
        var area = SearchArea(new Tile(x, y, zoom));
        if (cache is not null && cache.TryGetValue(key, out Entry? cached))
        {
            if (cached!.Epoch == map.Epoch)
                return cached.Tile;
            // Drawn before the latest change, but no changed sequence reaches it: still right, now known at this epoch.
            if (cached.Epoch < map.Epoch && map.Changes.Unchanged(cached.Epoch, area))
            {
                cache.Set(key, cached with { Epoch = map.Epoch }, new MemoryCacheEntryOptions { Size = cached.Tile.Bytes.Length + 200 });
                return cached.Tile;
            }
        }
        Interlocked.Increment(ref drawn);
        var (buffer, length) = Encode(map, new Tile(x, y, zoom), area);
        var bytes = buffer.AsSpan(0, length);
        var etag = EncodedTile.TagOf(bytes);
        if (cache is null)
            return EncodedTile.Pooled(buffer, length, etag);
        var tile = EncodedTile.Kept(bytes, etag);
        ArrayPool<byte>.Shared.Return(buffer);
        cache.Set(key, new Entry(map.Epoch, tile), new MemoryCacheEntryOptions { Size = length + 200 });
        return tile;
    }

    /// <summary>
    /// Builds the drawing of every sequence, as far as the drawing cache's budget goes, and draws a few street tiles
    /// without keeping them, so that the first tiles a started server is asked for only clip and encode (issue 14: a
    /// freshly started server drew its first tiles at a fifth of a warm one's rate, building drawings on demand with
    /// the tile code still unoptimized by the JIT). Runs in the background after the search index has loaded; a tile
    /// asked for meanwhile builds what it needs itself. Later changes make new shapes, drawn on demand as before.
    /// </summary>
    public int Prepare(CancellationToken cancellation)
    {
        var built = 0;
        try
        {
            var map = geometry.Current();
            if (keepDrawings)
            {
                foreach (var shape in map.Sequences)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (shape.Drawing is null && Drawing(map, shape) is not null)
                        built++;
                }
            }
            else if (drawings is not null)
            {
                // Not beyond nine tenths of the budget: a cache over its limit rejects entries and compacts.
                var budget = options.Value.PropertyCacheMegabytes * 1024L * 1024 * 9 / 10;
                long used = 0;
                foreach (var shape in map.Sequences)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (Drawing(map, shape) is not { } drawing)
                        continue;
                    built++;
                    if ((used += drawing.Size) >= budget)
                        break;
                }
            }
            // A street tile around the first photo of a spread of sequences: the JIT sees the tile code hot before traffic.
            var step = Math.Max(1, map.Sequences.Count / WarmUpTiles);
            for (var i = 0; i < map.Sequences.Count; i += step)
            {
                cancellation.ThrowIfCancellationRequested();
                if (!map.Images.TryGet(map.Sequences[i].Members[0], out var first))
                    continue;
                const int n = 1 << WarmUpZoom;
                var x = Math.Clamp((int)((first.Lon + 180) / 360 * n), 0, n - 1);
                var y = Math.Clamp((int)((1 - Math.Asinh(Math.Tan(first.Lat * Math.PI / 180)) / Math.PI) / 2 * n), 0, n - 1);
                var tile = new Tile(x, y, WarmUpZoom);
                ArrayPool<byte>.Shared.Return(Encode(map, tile, SearchArea(tile)).Buffer);
            }
            prepared.TrySetResult(built);
        }
        catch (Exception e)
        {
            prepared.TrySetResult(0);
            if (e is not OperationCanceledException)
                throw;
        }
        return built;
    }

    private const int WarmUpTiles = 64;
    private const int WarmUpZoom = 15;

    /// <summary>The boxes a tile's sequences are looked for in: the tile and its buffer, clamped to the world.</summary>
    public static IReadOnlyList<GeoBox> SearchArea(Tile tile)
    {
        var bufferLon = (tile.Right - tile.Left) * BufferFraction;
        var bufferLat = (tile.Top - tile.Bottom) * BufferFraction;
        return GeoBox.Covering(Math.Max(-90, tile.Bottom - bufferLat), Math.Max(-180, tile.Left - bufferLon),
            Math.Min(90, tile.Top + bufferLat), Math.Min(180, tile.Right + bufferLon));
    }

    // The tile's bytes in a buffer rented from ArrayPool<byte>.Shared: a street tile of a dense archive is hundreds of
    // kilobytes, and a fresh array per tile (the large object heap, zeroed pages) cost a fifth of a miss at 10M photos.
    private (byte[] Buffer, int Length) Encode(SequenceMap map, Tile tile, IReadOnlyList<GeoBox> area)
    {
        var layer = new SequenceLayer(tile);
        if (tile.Zoom <= options.Value.OverviewMaxZoom)
            SequenceOverview.Draw(map, layer, area, shape => Drawing(map, shape));
        else
            foreach (var shape in map.SequencesIn(area, MaxFeatures))
                if (Drawing(map, shape) is { } drawing)
                    layer.AddSequence(drawing);
        return layer.Serialize();
    }

    // The sequence's properties and projected path, made once per shape (a new shape on every change) and shared by every
    // tile the sequence crosses: the keys and angles as JSON are most of a tile's bytes (an angle kept in double precision
    // formats slowly), and the projection takes a logarithm per photo. Null when none of its images is visible now.
    private SequenceDrawing? Drawing(SequenceMap map, SequenceShape shape)
    {
        if (keepDrawings && shape.Drawing is { } kept)
            return kept;
        if (drawings is not null && drawings.TryGetValue(shape, out SequenceDrawing? drawing))
            return drawing;
        // The members only while the drawing is built: a pooled array (tens of kilobytes a long sequence).
        var rented = ArrayPool<IndexedImage>.Shared.Rent(shape.Members.Length);
        try
        {
            var count = map.MembersOf(shape, rented);
            if (count == 0)
                return null;
            drawing = SequenceDrawing.Build(map.Username(rented[0].UserId), shape, rented.AsSpan(0, count));
        }
        finally
        {
            ArrayPool<IndexedImage>.Shared.Return(rented);
        }
        Interlocked.Increment(ref drawingsBuilt);
        if (keepDrawings)
            return Interlocked.CompareExchange(ref shape.Drawing, drawing, null) ?? drawing;
        drawings?.Set(shape, drawing, new MemoryCacheEntryOptions { Size = drawing.Size });
        return drawing;
    }

    public void Dispose()
    {
        cache?.Dispose();
        drawings?.Dispose();
    }
}
