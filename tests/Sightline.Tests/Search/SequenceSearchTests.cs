using System.Text.Json;
using Sightline.Search.Index;
using static Sightline.Tests.Search.Reference;

namespace Sightline.Tests.Search;

/// <summary>Sequence searches, the image of a sequence, and the random picks.</summary>
[Collection(SearchArchiveCollection.Name)]
public sealed class SequenceSearchTests(SearchArchive archive)
{
    private IEnumerable<ArchivedImage> Public => archive.Visible();

    /// <summary>Sequences with a matching image, newest first by their earliest image, then key.</summary>
    private List<string> ExpectedSequences(Func<ArchivedImage, bool> filter) =>
        Public.Where(filter).Select(i => i.SequenceKey).Distinct()
            .Select(key => (Key: key, CapturedAt: Public.Where(i => i.SequenceKey == key).Min(i => i.CapturedAt)))
            .OrderByDescending(s => s.CapturedAt).ThenBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => s.Key).ToList();

    private async Task<List<string>> WalkSequencesAsync(string path, string query, int limit)
    {
        var keys = new List<string>();
        for (var page = 0; ; page++)
        {
            var json = await archive.GetAsync($"{path}?{query}&limit={limit}&page={page}");
            var list = json.TryGetProperty("ss", out var ss) ? ss.EnumerateArray().Select(s => s.GetProperty("key").GetString()!)
                : json.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("key").GetString()!);
            keys.AddRange(list);
            if (!json.GetProperty("more").GetBoolean())
                return keys;
        }
    }

    [Theory]
    [InlineData("/v2/search/s")]
    [InlineData("/v2/search/s/geojson")]
    [InlineData("/v2/search/s/ul")]
    public async Task SequencesInABoxMatchTheReference(string path)
    {
        var expected = ExpectedSequences(i => InBox(i, 52.3, 4.8, 52.45, 4.95) && i.User == "bob");
        Assert.True(expected.Count > 3);
        Assert.Equal(expected, await WalkSequencesAsync(path, $"{BoxQuery(52.3, 4.8, 52.45, 4.95)}&user=bob", 3));
    }

    [Theory]
    [InlineData("/v2/search/s", 7)]
    [InlineData("/v2/search/s/ul", 25)]
    public async Task PagesWithoutABoxFollowTheWholeOrderAcrossTies(string path, int limit)
    {
        var expected = ExpectedSequences(_ => true);
        var times = expected.Select(key => Public.Where(i => i.SequenceKey == key).Min(i => i.CapturedAt)).ToList();
        // The archive shares capture times between sequences: pages must split runs of equal times by key.
        Assert.True(times.Zip(times.Skip(1)).Count(p => p.First == p.Second) >= 5);
        Assert.Equal(expected, await WalkSequencesAsync(path, "", limit));
    }

    [Fact]
    public async Task ATimeWindowOrdersByTheWholeSequencesTimeNotTheMatchingImages()
    {
        // A sequence matches by an image inside the window but is ordered by its earliest image, which may lie before it.
        var all = Public.OrderBy(i => i.CapturedAt).ToList();
        var (from, to) = (all[all.Count / 4].CapturedAt, all[all.Count * 3 / 4].CapturedAt);
        var expected = ExpectedSequences(i => i.CapturedAt >= from && i.CapturedAt <= to);
        Assert.Contains(expected, key => Public.Where(i => i.SequenceKey == key).Min(i => i.CapturedAt) < from);
        Assert.Equal(expected, await WalkSequencesAsync("/v2/search/s", $"start_time={from}&end_time={to}", 3));
        var firstOnly = await archive.GetAsync($"/v2/search/s?start_time={from}&end_time={to}&limit=1");
        Assert.Equal(expected[0], firstOnly.GetProperty("ss")[0].GetProperty("key").GetString());
        Assert.True(firstOnly.GetProperty("more").GetBoolean());
    }

    [Fact]
    public async Task EverySequenceASearchShowsIsTheSequenceAsStored()
    {
        // The search takes public sequences from memory, /v2/s/{key} reads the database: the same JSON, for every public
        // sequence of the archive (at the poles, across the antimeridian, sharing capture times), as summary and GeoJSON.
        var compared = 0;
        for (var page = 0; ; page++)
        {
            var json = await archive.GetAsync($"/v2/search/s?limit=50&page={page}");
            var features = (await archive.GetAsync($"/v2/search/s/geojson?limit=50&page={page}")).GetProperty("features");
            var ss = json.GetProperty("ss");
            Assert.Equal(ss.GetArrayLength(), features.GetArrayLength());
            for (var i = 0; i < ss.GetArrayLength(); i++)
            {
                var key = ss[i].GetProperty("key").GetString()!;
                Assert.Equal((await archive.GetAsync($"/v2/s/{key}")).GetRawText(), ss[i].GetRawText());
                Assert.Equal((await archive.GetAsync($"/v2/s/{key}/geojson")).GetProperty("features")[0].GetRawText(), features[i].GetRawText());
                compared++;
            }
            if (!json.GetProperty("more").GetBoolean())
                break;
        }
        Assert.Equal(Public.Select(i => i.SequenceKey).Distinct().Count(), compared);
    }

    [Fact]
    public async Task SequenceSearchAnswersCarryTheWholeSequence()
    {
        var json = await archive.GetAsync($"/v2/search/s?{BoxQuery(52.3, 4.8, 52.45, 4.95)}&limit=1");
        var sequence = json.GetProperty("ss")[0];
        var key = sequence.GetProperty("key").GetString()!;
        var members = Public.Where(i => i.SequenceKey == key).OrderBy(i => i.CapturedAt).ToList();
        Assert.Equal(members.Select(m => m.Key).Order(StringComparer.Ordinal), sequence.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(members.Min(m => m.CapturedAt), sequence.GetProperty("captured_at").GetInt64());
        Assert.Equal(members.Count, sequence.GetProperty("coords").GetArrayLength());

        var compact = (await archive.GetAsync($"/v2/search/s/ul?{BoxQuery(52.3, 4.8, 52.45, 4.95)}&limit=1")).GetProperty("ss")[0];
        Assert.Equal(key, compact.GetProperty("key").GetString());
        Assert.Equal(sequence.GetProperty("keys")[0].GetString(), compact.GetProperty("mkey").GetString());
        Assert.Equal(members[0].User, compact.GetProperty("user").GetString());
        Assert.False(compact.GetProperty("starred").GetBoolean());
        Assert.Equal(0, compact.GetProperty("views").GetInt64());
        // Named after the place of its first image, as the image itself is (spec §5 item 8).
        var first = (await archive.GetAsync($"/v2/im/{compact.GetProperty("mkey").GetString()}")).GetProperty("location").GetString();
        Assert.Equal("Amsterdam, Netherlands", compact.GetProperty("location").GetString());
        Assert.Equal(first, compact.GetProperty("location").GetString());

        var feature = (await archive.GetAsync($"/v2/search/s/geojson?{BoxQuery(52.3, 4.8, 52.45, 4.95)}&limit=1")).GetProperty("features")[0];
        Assert.Equal("LineString", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(4, feature.GetProperty("geometry").GetProperty("bbox").GetArrayLength());
    }

    [Fact]
    public async Task TheImageOfASequenceIsTheClosestOrTheFirst()
    {
        var key = Public.GroupBy(i => i.SequenceKey).First(g => g.Count() > 5).Key;
        var json = await archive.GetAsync($"/v2/search/im/s/{key}");
        var first = json.GetProperty("key").GetString();
        var members = Public.Where(i => i.SequenceKey == key).ToList();
        Assert.Contains(first, members.Where(m => m.CapturedAt == members.Min(x => x.CapturedAt)).Select(m => m.Key));

        var target = members[^1];
        var closest = await archive.GetAsync($"/v2/search/im/s/{key}?lat={F(target.Lat)}&lon={F(target.Lon)}");
        var expected = members.MinBy(m => Geodesy.DistanceMeters(target.Lat, target.Lon, m.Lat, m.Lon))!;
        Assert.Equal(0, Geodesy.DistanceMeters(target.Lat, target.Lon, expected.Lat, expected.Lon));
        Assert.Equal(expected.Key, closest.GetProperty("key").GetString());
    }

    [Fact]
    public async Task APrivateSequenceIsNotFoundToAStranger()
    {
        var key = archive.Visible("survey").First().SequenceKey;
        await Infrastructure.ContractAssert.Error(await archive.SendAsync($"/v2/search/im/s/{key}", "stranger"), "not_found");
        Assert.Equal(JsonValueKind.String, (await archive.GetAsync($"/v2/search/im/s/{key}", "member")).GetProperty("key").ValueKind);
    }

    [Fact]
    public async Task RandomPicksArePublicProcessedAndMatchTheirFilters()
    {
        var publicKeys = Public.Select(i => i.Key).ToHashSet();
        var inBox = Public.Where(i => InBox(i, 52.3, 4.8, 52.45, 4.95) && i.User == "carol").Select(i => i.Key).ToHashSet();
        for (var n = 0; n < 20; n++)
        {
            var selected = await archive.GetAsync("/v2/search/im/randomselected");
            Assert.Contains(selected.GetProperty("key").GetString()!, publicKeys);
            Assert.False(selected.TryGetProperty("distance", out _));

            var geo = await archive.GetAsync($"/v2/search/im/geojson/randomimage?{BoxQuery(52.3, 4.8, 52.45, 4.95)}&user=carol&limit=5&page=3");
            var feature = Assert.Single(geo.GetProperty("features").EnumerateArray());
            Assert.Contains(feature.GetProperty("properties").GetProperty("key").GetString()!, inBox);
            Assert.False(geo.GetProperty("more").GetBoolean());
        }
        var none = await archive.GetAsync("/v2/search/im/geojson/randomimage?user=nobody_here");
        Assert.Empty(none.GetProperty("features").EnumerateArray());
    }
}
