using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>GET /v2/stats/im and /v2/stats/toplist (alias /v2/stats/im/toplist), spec §3.8 and §5 item 50.</summary>
public sealed class StatsTests : IAsyncLifetime
{
    private Cast cast = null!;
    private Uploader rider = null!;

    public async Task InitializeAsync()
    {
        cast = await Cast.StartAsync();
        rider = await Uploader.CreateAsync(cast.Server, "rider");
    }

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private static byte[] Photo(double lat, double lon, DateTime taken, int seed) =>
        Photos.Jpeg(new PhotoSpec { Width = 160, Height = 120, Lat = lat, Lon = lon, Taken = taken, Seed = seed });

    [Fact]
    public async Task TotalsCountPublicImagesAndTheMetresOfTheirSequences()
    {
        var empty = await cast.Stranger.GetJsonAsync("/v2/stats/im");
        Assert.Equal(["distance", "images"], Member.Names(empty));
        Assert.Equal(0, empty.GetProperty("images").GetInt64());

        // Three photos 0.0005° of latitude apart (about 55.6 m, within the sequence gap), five seconds apart.
        for (var i = 0; i < 3; i++)
            await cast.Owner.UploadProcessedAsync($"walk-{i}", Photo(51.05 + i * 0.0005, 3.72, new DateTime(2024, 5, 1, 9, 0, 0).AddSeconds(i * 5), i));
        await cast.PrivateImageAsync(1); // not counted
        var totals = await cast.Stranger.GetJsonAsync("/v2/stats/im");
        Assert.Equal(3, totals.GetProperty("images").GetInt64());
        Assert.InRange(totals.GetProperty("distance").GetInt64(), 110, 113); // 2 × 55.6 m
    }

    [Fact]
    public async Task DistanceFollowsCaptureOrderAndLeavesHiddenAndDeletedImagesOut()
    {
        // Uploaded out of order: north end, south end, middle. In capture order the line runs 0 -> 1 -> 2 (2 × 55.6 m);
        // in upload order it would double back (55.6 + 111.2 m).
        var taken = new DateTime(2024, 5, 1, 9, 0, 0);
        var northEnd = (await cast.Owner.UploadProcessedAsync("line-2", Photo(51.05 + 2 * 0.0005, 3.72, taken.AddSeconds(10), 42))).GetProperty("key").GetString()!;
        await cast.Owner.UploadProcessedAsync("line-0", Photo(51.05, 3.72, taken, 40));
        await cast.Owner.UploadProcessedAsync("line-1", Photo(51.05 + 0.0005, 3.72, taken.AddSeconds(5), 41));
        // A second sequence far away, another day: 55.6 m long.
        var other = new DateTime(2024, 6, 2, 9, 0, 0);
        await rider.UploadProcessedAsync("far-0", Photo(48.85, 2.35, other, 43));
        var farEnd = (await rider.UploadProcessedAsync("far-1", Photo(48.8505, 2.35, other.AddSeconds(5), 44))).GetProperty("key").GetString()!;

        var totals = await cast.Stranger.GetJsonAsync("/v2/stats/im");
        Assert.Equal(5, totals.GetProperty("images").GetInt64());
        Assert.InRange(totals.GetProperty("distance").GetInt64(), 165, 168); // 111.2 + 55.6

        // Upholding a complaint hides the north end: the line stops at the middle photo.
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{northEnd}/complain", new { cm = "hide it" }));
        var complaint = (await cast.Admin.GetJsonAsync("/v2/complaints?state=open")).GetProperty("complaints")[0].GetProperty("key").GetString()!;
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{complaint}?decision=uphold"));
        totals = await cast.Stranger.GetJsonAsync("/v2/stats/im");
        Assert.Equal(4, totals.GetProperty("images").GetInt64());
        Assert.InRange(totals.GetProperty("distance").GetInt64(), 110, 113); // 55.6 + 55.6
        Assert.Equal([("owner", 2L), ("rider", 2L)], Ranking((await cast.Stranger.GetJsonAsync("/v2/stats/toplist")).GetProperty("total")));

        // Deleting the far end leaves the far sequence one photo and no length.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await rider.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/far-1")).StatusCode);
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/im/{farEnd}"), "not_found");
        totals = await cast.Stranger.GetJsonAsync("/v2/stats/im");
        Assert.Equal(3, totals.GetProperty("images").GetInt64());
        Assert.InRange(totals.GetProperty("distance").GetInt64(), 54, 57);
        Assert.Equal([("owner", 2L), ("rider", 1L)], Ranking((await cast.Stranger.GetJsonAsync("/v2/stats/toplist")).GetProperty("total")));
    }

    [Fact]
    public async Task ProfilesCountTheirOwnPublicImagesAndLinesAndFollowEachWrite()
    {
        // The owner: a 2-photo line (55.6 m) and a private photo; the rider: a 3-photo line (111.2 m) elsewhere.
        var taken = new DateTime(2024, 5, 1, 9, 0, 0);
        await cast.Owner.UploadProcessedAsync("own-0", Photo(51.05, 3.72, taken, 60));
        await cast.Owner.UploadProcessedAsync("own-1", Photo(51.0505, 3.72, taken.AddSeconds(5), 61));
        await cast.PrivateImageAsync(62);
        for (var i = 0; i < 3; i++)
            await rider.UploadProcessedAsync($"ride-{i}", Photo(48.85 + i * 0.0005, 2.35, taken.AddSeconds(i * 5), 63 + i));

        async Task<(long All, long Hidden, long Distance)> ProfileAsync(string user)
        {
            var profile = await cast.Stranger.GetJsonAsync($"/v2/u/{user}");
            return (profile.GetProperty("images_all").GetInt64(), profile.GetProperty("images_hidden").GetInt64(), profile.GetProperty("distance_all").GetInt64());
        }

        var owner = await ProfileAsync("owner");
        Assert.Equal((2L, 0L), (owner.All, owner.Hidden));
        Assert.InRange(owner.Distance, 55, 56);
        var riding = await ProfileAsync("rider");
        Assert.Equal((3L, 0L), (riding.All, riding.Hidden));
        Assert.InRange(riding.Distance, 110, 113);
        Assert.Equal((0L, 0L, 0L), await ProfileAsync("stranger"));

        // The rider deletes the end of the line: one photo and 55.6 m fewer, at once; the owner's profile is untouched.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await rider.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/ride-2")).StatusCode);
        riding = await ProfileAsync("rider");
        Assert.Equal(2, riding.All);
        Assert.InRange(riding.Distance, 55, 56);
        Assert.Equal(owner, await ProfileAsync("owner"));
    }

    [Fact]
    public async Task WeeksAreIsoWeeksAcrossTheTurnOfTheYear()
    {
        // Monday 30 December 2024 opens week 1 of 2025; the Sunday before closes week 52 of 2024; Sunday 3 January 2021
        // closes week 53 of 2020. Newest first.
        await cast.Owner.UploadProcessedAsync("w1", Photo(51.05, 3.72, new DateTime(2024, 12, 30, 0, 0, 30), 50));
        await cast.Owner.UploadProcessedAsync("w52", Photo(51.06, 3.72, new DateTime(2024, 12, 29, 23, 59, 30), 51));
        await rider.UploadProcessedAsync("w53-0", Photo(52.52, 13.40, new DateTime(2021, 1, 3, 12, 0, 0), 52));
        await rider.UploadProcessedAsync("w53-1", Photo(52.52, 13.4001, new DateTime(2021, 1, 3, 12, 0, 5), 53));
        var weeks = (await cast.Stranger.GetJsonAsync("/v2/stats/toplist")).GetProperty("toplist").EnumerateArray().ToArray();
        Assert.Equal(["1", "52", "53"], weeks.Select(w => w.GetProperty("week").GetString()!).ToArray());
        Assert.Equal([("owner", 1L)], Ranking(weeks[0].GetProperty("list")));
        Assert.Equal([("owner", 1L)], Ranking(weeks[1].GetProperty("list")));
        Assert.Equal([("rider", 2L)], Ranking(weeks[2].GetProperty("list")));
    }

    [Fact]
    public async Task StatsAreKeptUntilTheNextWriteOnly()
    {
        // Answers are kept per commit: asked again they are the same, after an upload they count it at once.
        var taken = new DateTime(2024, 5, 1, 9, 0, 0);
        await cast.Owner.UploadProcessedAsync("kept-0", Photo(51.05, 3.72, taken, 30));
        for (var asked = 0; asked < 2; asked++)
        {
            Assert.Equal(1, (await cast.Stranger.GetJsonAsync("/v2/stats/toplist")).GetProperty("total_count").GetInt64());
            Assert.Equal(1, (await cast.Stranger.GetJsonAsync("/v2/stats/im")).GetProperty("images").GetInt64());
        }
        await rider.UploadProcessedAsync("kept-1", Photo(51.05, 3.7205, taken.AddSeconds(5), 31));
        var toplist = await cast.Stranger.GetJsonAsync("/v2/stats/toplist?limit=1");
        Assert.Equal(2, toplist.GetProperty("total_count").GetInt64());
        Assert.Single(toplist.GetProperty("total").EnumerateArray()); // cut to the limit asked
        Assert.Equal(2, (await cast.Stranger.GetJsonAsync("/v2/stats/toplist")).GetProperty("total").GetArrayLength());
        Assert.Equal(2, (await cast.Stranger.GetJsonAsync("/v2/stats/im")).GetProperty("images").GetInt64());
    }

    [Fact]
    public async Task ToplistRanksUsersPerIsoWeekNewestFirstAndOverall()
    {
        var week18 = new DateTime(2024, 5, 1, 9, 0, 0); // Wednesday of ISO week 18
        var week19 = new DateTime(2024, 5, 8, 9, 0, 0);
        for (var i = 0; i < 2; i++)
            await cast.Owner.UploadProcessedAsync($"o18-{i}", Photo(51.05, 3.72 + i * 0.0001, week18.AddSeconds(i), i));
        await cast.Owner.UploadProcessedAsync("o19", Photo(51.05, 3.72, week19, 10));
        for (var i = 0; i < 3; i++)
            await rider.UploadProcessedAsync($"r19-{i}", Photo(52.52, 13.40 + i * 0.0001, week19.AddSeconds(i), 20 + i)); // Berlin
        await cast.PrivateImageAsync(5);

        var all = await cast.Stranger.GetJsonAsync("/v2/stats/toplist");
        Assert.Equal(["toplist", "total", "total_count"], Member.Names(all));
        Assert.Equal(6, all.GetProperty("total_count").GetInt64());
        Assert.Equal(["19", "18"], all.GetProperty("toplist").EnumerateArray().Select(w => w.GetProperty("week").GetString()!).ToArray());
        var newest = all.GetProperty("toplist")[0];
        Assert.Equal(["list", "week"], Member.Names(newest));
        Assert.Equal([("rider", 3L), ("owner", 1L)], Ranking(newest.GetProperty("list")));
        Assert.Equal([("owner", 2L)], Ranking(all.GetProperty("toplist")[1].GetProperty("list")));
        Assert.Equal([("owner", 3L), ("rider", 3L)], Ranking(all.GetProperty("total")));
        Assert.Equal(all.GetRawText(), (await cast.Stranger.GetJsonAsync("/v2/stats/im/toplist")).GetRawText());

        var limited = await cast.Stranger.GetJsonAsync("/v2/stats/toplist?limit=1");
        Assert.Equal([("rider", 3L)], Ranking(limited.GetProperty("toplist")[0].GetProperty("list")));
        Assert.Single(limited.GetProperty("total").EnumerateArray());

        var belgium = await cast.Stranger.GetJsonAsync("/v2/stats/toplist?cname=belgium");
        Assert.Equal(3, belgium.GetProperty("total_count").GetInt64());
        Assert.Equal([("owner", 3L)], Ranking(belgium.GetProperty("total")));
        var germany = await cast.Stranger.GetJsonAsync("/v2/stats/toplist?cname=germany");
        Assert.Equal([("rider", 3L)], Ranking(germany.GetProperty("total")));
        var france = await cast.Stranger.GetJsonAsync("/v2/stats/toplist?cname=france");
        Assert.Equal(0, france.GetProperty("total_count").GetInt64());
        Assert.Empty(france.GetProperty("toplist").EnumerateArray());
    }

    private static (string, long)[] Ranking(JsonElement list) =>
        list.EnumerateArray().Select(r => (r.GetProperty("username").GetString()!, r.GetProperty("count").GetInt64())).ToArray();

    [Theory]
    [InlineData("cname=atlantis", "cname")]
    [InlineData("cname=be", "cname")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("limit=ten", "limit")]
    public async Task BadToplistParameters(string query, string parameter)
    {
        foreach (var path in new[] { "/v2/stats/toplist", "/v2/stats/im/toplist" })
            Assert.Contains(parameter, await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"{path}?{query}"), "parameter_invalid"));
    }

    [Fact]
    public async Task StatsNeedAClientIdOnly()
    {
        await ContractAssert.Error(await cast.Server.Http.GetAsync("/v2/stats/im"), "client_id_missing");
        await ContractAssert.Error(await cast.Server.Http.GetAsync("/v2/stats/toplist"), "client_id_missing");
        await cast.Stranger.Anonymous().GetJsonAsync("/v2/stats/im");
    }
}
