using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.VectorTiles;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Search.Index;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Tiles;

/// <summary>An encoded tile and its entity tag (a digest of its bytes, so equal content keeps its tag across restarts).</summary>
public sealed record EncodedTile(byte[] Bytes, string ETag);

/// <summary>
/// Makes the <c>mapillary-sequences</c> tiles from the in-memory sequences and keeps the encoded ones by tile and
/// version: a tile is drawn once per change of the archive, however often it is asked for.
/// </summary>
public sealed class SequenceTiles(SequenceGeometry geometry, IOptions<TileOptions> options) : IDisposable
{
    public const string LayerName = "mapillary-sequences";
    /// <summary>A cap on the sequences in one tile, so a world tile of a large archive stays bounded.</summary>
    public const int MaxFeatures = 2000;

    private const uint Extent = 4096;
    // How far beyond the tile's edges sequences are looked for: 64 tile units, as the usual tile buffer.
    private const double BufferFraction = 64.0 / Extent;
    private static readonly GeometryFactory Geometries = new(new PrecisionModel(), 4326);

    private sealed record Entry(long Epoch, EncodedTile Tile);

    private readonly MemoryCache? cache = options.Value.CacheMegabytes > 0
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.CacheMegabytes * 1024L * 1024 })
        : null;

    // A sequence's properties by its shape (a new shape on every change): the keys and angles as JSON are most of a
    // tile's work (an angle kept in double precision formats slowly), and the same for every tile the sequence crosses.
    private readonly MemoryCache? properties = options.Value.PropertyCacheMegabytes > 0
        ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.PropertyCacheMegabytes * 1024L * 1024 })
        : null;

    private sealed record RenderedProperties(string Username, string Keys, string Cas, string CapturedAt);

    private long drawn;

    /// <summary>How many tiles were drawn (not served from the cache) since start.</summary>
    public long Drawn => Interlocked.Read(ref drawn);

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
        var bytes = Encode(map, new Tile(x, y, zoom), area);
        var tile = new EncodedTile(bytes, $"\"{Convert.ToBase64String(SHA256.HashData(bytes), 0, 16).TrimEnd('=')}\"");
        cache?.Set(key, new Entry(map.Epoch, tile), new MemoryCacheEntryOptions { Size = bytes.Length + 200 });
        return tile;
    }

    /// <summary>The boxes a tile's sequences are looked for in: the tile and its buffer, clamped to the world.</summary>
    public static IReadOnlyList<GeoBox> SearchArea(Tile tile)
    {
        var bufferLon = (tile.Right - tile.Left) * BufferFraction;
        var bufferLat = (tile.Top - tile.Bottom) * BufferFraction;
        return GeoBox.Covering(Math.Max(-90, tile.Bottom - bufferLat), Math.Max(-180, tile.Left - bufferLon),
            Math.Min(90, tile.Top + bufferLat), Math.Min(180, tile.Right + bufferLon));
    }

    private byte[] Encode(SequenceMap map, Tile tile, IReadOnlyList<GeoBox> area)
    {
        var layer = new Layer { Name = LayerName };
        foreach (var shape in map.SequencesIn(area, MaxFeatures))
        {
            var members = map.MembersOf(shape);
            if (members.Length > 0)
                layer.Features.Add(new Feature(Line(members), Properties(map, shape, members)));
        }
        var vectorTile = new VectorTile { TileId = tile.Id, Layers = { layer } };
        using var bytes = new MemoryStream();
        vectorTile.Write(bytes, Extent);
        return bytes.ToArray();
    }

    // The path through the sequence's images in WGS84 (the writer projects it into the tile); a sequence of one photo
    // is a line of two equal points, which the writer leaves out where it would be shorter than a tile unit.
    private static LineString Line(IndexedImage[] members)
    {
        var points = new Coordinate[Math.Max(2, members.Length)];
        for (var i = 0; i < members.Length; i++)
            points[i] = new Coordinate(members[i].Lon, members[i].Lat);
        if (members.Length == 1)
            points[1] = points[0].Copy();
        return Geometries.CreateLineString(points);
    }

    private AttributesTable Properties(SequenceMap map, SequenceShape shape, IndexedImage[] members)
    {
        if (properties is null || !properties.TryGetValue(shape, out RenderedProperties? rendered))
        {
            rendered = new RenderedProperties(
                map.Username(members[0].UserId),
                JsonArray(members, static (writer, image) => writer.WriteStringValue(image.Key)),
                JsonArray(members, static (writer, image) =>
                {
                    if (double.IsNaN(image.StoredCa))
                        writer.WriteNullValue();
                    else
                        writer.WriteNumberValue(image.StoredCa);
                }),
                members.Min(i => i.CapturedAt).ToString(CultureInfo.InvariantCulture));
            properties?.Set(shape, rendered, new MemoryCacheEntryOptions { Size = 2L * (rendered.Keys.Length + rendered.Cas.Length) + 200 });
        }
        return new AttributesTable
        {
            { "username", rendered!.Username },
            { "layer", LayerName },
            { "keys", rendered.Keys },
            { "cas", rendered.Cas },
            { "key", shape.Key },
            { "captured_at", rendered.CapturedAt },
        };
    }

    [ThreadStatic] private static ArrayBufferWriter<byte>? jsonBuffer;

    // A JSON array written with the writer JsonSerializer uses, and its default options: the same text, without the
    // serializer's per-element dispatch.
    private static string JsonArray(IndexedImage[] members, Action<Utf8JsonWriter, IndexedImage> element)
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
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose()
    {
        cache?.Dispose();
        properties?.Dispose();
    }
}
