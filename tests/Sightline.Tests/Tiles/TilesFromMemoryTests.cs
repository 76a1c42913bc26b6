using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Dapper;
using Sightline.Search.Bench;
using Sightline.Storage;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Tiles;

/// <summary>
/// A synthetic archive (bench-data's generator, fixed seed) served by a test server that also maps the old tile handler.
/// The low-zoom overview is off here, so that every zoom is drawn with whole sequences and compared byte for byte.
/// </summary>
public sealed class SyntheticArchiveServer()
    : SyntheticTileArchive(seed: 14, images: 20_000, new Dictionary<string, string?> { ["Tiles:OverviewMaxZoom"] = "-1" });

/// <summary>
/// Tiles drawn from memory are byte for byte the tiles the database-drawn handler made, on a fixed archive, before and
/// after edits that move, hide, reorder and re-angle images (so the in-memory sequences follow the change log).
/// </summary>
public sealed class TilesFromMemoryTests(SyntheticArchiveServer archive) : IClassFixture<SyntheticArchiveServer>
{
    private static readonly int[] Zooms = [0, 2, 5, 8, 11, 13, 14, 15, 17, 20];

    private HttpClient Http => archive.Server.Http;

    private List<(int Z, int X, int Y)> Sample()
    {
        using var connection = new Database(archive.Server.DataDirectory).Open();
        var points = connection.Query<(double Lat, double Lon)>("SELECT lat, lon FROM images WHERE id % 2500 = 7 ORDER BY id").AsList();
        var tiles = new List<(int, int, int)>();
        foreach (var (lat, lon) in points)
        {
            foreach (var z in Zooms)
            {
                var n = 1 << z;
                var x = (int)((lon + 180) / 360 * n);
                var y = (int)((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n);
                tiles.Add((z, x, y));
                if (z == 15) // the neighbours, where sequences reach in through the buffer
                    tiles.AddRange([(z, Math.Min(n - 1, x + 1), y), (z, x, Math.Max(0, y - 1))]);
            }
        }
        return tiles.Distinct().ToList();
    }

    // The reference is the old handler's tile, whose writer left out lines shorter than a tile unit. The tiles now keep
    // them as one-unit lines (coverage never disappears at mid zooms), so a tile is its reference's features, in order and
    // equal (geometry and properties), plus those short sequences as two-point lines; byte for byte when it adds none.
    private async Task AssertSameTilesAsync(List<(int Z, int X, int Y)> tiles)
    {
        var drawn = 0;
        var stubs = 0;
        foreach (var (z, x, y) in tiles)
        {
            var expected = await Http.GetByteArrayAsync($"/test/legacy-tiles/{z}/{x}/{y}");
            using var response = await Http.GetAsync($"/tiles/{z}/{x}/{y}.mapbox");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var actual = await response.Content.ReadAsByteArrayAsync();
            if (expected.Length > 30)
                drawn++;
            if (expected.AsSpan().SequenceEqual(actual))
                continue;
            var before = Features(expected, z, x, y);
            var now = Features(actual, z, x, y);
            var at = 0;
            foreach (var feature in now)
            {
                if (at < before.Count && Same(before[at], feature))
                {
                    at++;
                    continue;
                }
                var line = Assert.IsType<NetTopologySuite.Geometries.LineString>(feature.Geometry);
                Assert.True(line.NumPoints == 2, $"tile {z}/{x}/{y}: an added feature of {line.NumPoints} points");
                Assert.DoesNotContain(before, b => Equals(b.Attributes["key"], feature.Attributes["key"]));
                stubs++;
            }
            Assert.True(at == before.Count, $"tile {z}/{x}/{y}: {before.Count - at} of the reference's features are not in it");
        }
        Assert.True(drawn > tiles.Count / 2, $"only {drawn} of {tiles.Count} tiles have sequences: the sample misses the archive");
        Assert.True(stubs > 0, "no short sequence was kept: the sample does not test it");
    }

    private static List<NetTopologySuite.Features.IFeature> Features(byte[] bytes, int z, int x, int y)
    {
        using var stream = new MemoryStream(bytes);
        return new NetTopologySuite.IO.VectorTiles.Mapbox.MapboxTileReader().Read(stream, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, z))
            .Layers.SelectMany(l => l.Features).ToList();
    }

    private static bool Same(NetTopologySuite.Features.IFeature a, NetTopologySuite.Features.IFeature b) =>
        a.Geometry.EqualsExact(b.Geometry)
        && a.Attributes.GetNames().Order().SequenceEqual(b.Attributes.GetNames().Order())
        && a.Attributes.GetNames().All(name => Equals(a.Attributes[name], b.Attributes[name]));

    [Fact]
    public async Task TilesEqualTheDatabaseDrawnTilesBeforeAndAfterEdits()
    {
        var tiles = Sample();
        await AssertSameTilesAsync(tiles);

        using (var connection = new Database(archive.Server.DataDirectory).Open())
        {
            connection.Execute(
                """
                UPDATE images SET ca = ca + 0.123456789 WHERE id % 7 = 0;
                UPDATE images SET ca = NULL WHERE id % 13 = 0;
                UPDATE images SET hidden_at = 1 WHERE id % 11 = 0;
                UPDATE images SET captured_at = captured_at - 400000000000 WHERE id % 503 = 0;
                UPDATE images SET lat = lat + 0.001 WHERE id % 211 = 0;
                UPDATE images SET sequence_id = (SELECT min(id) FROM sequences) WHERE id % 89 = 0;
                UPDATE images SET state = 'failed' WHERE id % 97 = 0;
                UPDATE images SET hidden_at = 2 WHERE sequence_id = (SELECT max(id) FROM sequences);
                INSERT INTO sequences (key, user_id, created_at) SELECT 'lonelysequencekey00001', user_id, 0 FROM images WHERE id = 1000;
                UPDATE images SET sequence_id = (SELECT id FROM sequences WHERE key = 'lonelysequencekey00001') WHERE id = 1000;
                """);
        }
        await AssertSameTilesAsync(tiles);
    }

    [Fact]
    public async Task ARevalidatedTileIsAnsweredWholeWithTheSameETag()
    {
        var (z, x, y) = Sample().First(t => t.Z == 14);
        using var first = await Http.GetAsync($"/tiles/{z}/{x}/{y}.mapbox");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/tiles/{z}/{x}/{y}.mapbox");
        request.Headers.IfNoneMatch.Add(etag);
        using var again = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // the contract has no 304
        Assert.Equal(etag, again.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
        using var other = await Http.GetAsync($"/tiles/{z}/{x + 1}/{y}.mapbox");
        if ((await other.Content.ReadAsByteArrayAsync()).Length != (await first.Content.ReadAsByteArrayAsync()).Length)
            Assert.NotEqual(etag, other.Headers.ETag);
    }

    [Fact]
    public async Task AnEditRedrawsTheTilesAroundItAndKeepsTheOthers()
    {
        using var connection = new Database(archive.Server.DataDirectory).Open();
        // An image of a short sequence, and one of another sequence well away from all of that sequence's photos.
        var (edited, sequence) = connection.QueryFirst<(long Id, long Sequence)>(
            "SELECT id, sequence_id FROM images WHERE state = 'done' AND hidden_at IS NULL AND ca IS NOT NULL AND id % 2500 = 1234 ORDER BY id LIMIT 1");
        var bounds = connection.QueryFirst<(double MinLat, double MinLon, double MaxLat, double MaxLon)>(
            "SELECT min(lat), min(lon), max(lat), max(lon) FROM images WHERE sequence_id = @sequence", new { sequence });
        var far = connection.QueryFirst<long>(
            "SELECT id FROM images WHERE state = 'done' AND (lat > @MaxLat + 1 OR lat < @MinLat - 1) ORDER BY id LIMIT 1", new { bounds.MinLat, bounds.MaxLat });
        var near = TileOf(connection, edited, 15);
        var away = TileOf(connection, far, 15);
        var tiles = archive.Server.Services.GetRequiredService<Sightline.Tiles.SequenceTiles>();

        var nearBefore = await Http.GetByteArrayAsync($"/tiles/{near}.mapbox");
        var awayBefore = await Http.GetByteArrayAsync($"/tiles/{away}.mapbox");
        connection.Execute("UPDATE images SET ca = (ca + 90) % 360 WHERE id = @edited", new { edited });
        // The server learns of the edit through its change feed (probed every few tens of milliseconds).
        for (var tries = 0; (await Http.GetByteArrayAsync($"/tiles/{near}.mapbox")).AsSpan().SequenceEqual(nearBefore); tries++)
        {
            Assert.True(tries < 100, "the tile with the edited photo was never redrawn");
            await Task.Delay(50);
        }
        var drawn = tiles.Drawn;

        Assert.Equal(awayBefore, await Http.GetByteArrayAsync($"/tiles/{away}.mapbox"));
        Assert.Equal(drawn, tiles.Drawn); // the far tile came from the cache, though the archive changed after it was drawn
        Assert.Equal(await Http.GetByteArrayAsync($"/test/legacy-tiles/{near}"), await Http.GetByteArrayAsync($"/tiles/{near}.mapbox"));
    }

    [Fact]
    public async Task TheDrawingsAreBuiltAtStartAndAnEditAfterThemShowsInTheTile()
    {
        var tiles = archive.Server.Services.GetRequiredService<Sightline.Tiles.SequenceTiles>();
        var prepared = await tiles.Prepared.WaitAsync(TimeSpan.FromSeconds(60));
        using var connection = new Database(archive.Server.DataDirectory).Open();
        // Every public sequence with a visible image was drawn ahead (the default budget holds this archive many times).
        var sequences = connection.QueryFirst<int>(
            "SELECT count(DISTINCT sequence_id) FROM images i JOIN sequences s ON s.id = i.sequence_id " +
            "WHERE i.state = 'done' AND i.hidden_at IS NULL AND s.project_id IS NULL");
        Assert.True(prepared >= sequences / 2, $"{prepared} drawings built at start for {sequences} sequences");

        var (edited, sequence) = connection.QueryFirst<(long Id, long Sequence)>(
            "SELECT id, sequence_id FROM images WHERE state = 'done' AND hidden_at IS NULL AND ca IS NOT NULL AND id % 2500 = 1999 ORDER BY id LIMIT 1");
        var near = TileOf(connection, edited, 16);
        var before = await Http.GetByteArrayAsync($"/tiles/{near}.mapbox");
        var built = tiles.DrawingsBuilt;
        connection.Execute("UPDATE images SET ca = (ca + 45) % 360, lat = lat + 0.00001 WHERE id = @edited", new { edited });
        for (var tries = 0; (await Http.GetByteArrayAsync($"/tiles/{near}.mapbox")).AsSpan().SequenceEqual(before); tries++)
        {
            Assert.True(tries < 100, "the tile with the edited photo was never redrawn");
            await Task.Delay(50);
        }
        Assert.True(tiles.DrawingsBuilt > built, "the edited sequence's drawing was not rebuilt");
        Assert.Equal(await Http.GetByteArrayAsync($"/test/legacy-tiles/{near}"), await Http.GetByteArrayAsync($"/tiles/{near}.mapbox"));
    }

    private static string TileOf(System.Data.IDbConnection connection, long imageId, int z)
    {
        var (lat, lon) = connection.QueryFirst<(double Lat, double Lon)>("SELECT lat, lon FROM images WHERE id = @imageId", new { imageId });
        var n = 1 << z;
        var x = (int)((lon + 180) / 360 * n);
        var y = (int)((1 - Math.Asinh(Math.Tan(lat * Math.PI / 180)) / Math.PI) / 2 * n);
        return $"{z}/{x}/{y}";
    }
}
