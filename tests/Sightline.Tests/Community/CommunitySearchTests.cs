using System.Globalization;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>/v2/search/im/b, /cm, /or and their GeoJSON forms; /or against a brute-force reference.</summary>
public sealed class CommunitySearchTests : IAsyncLifetime
{
    private const string Box = "min_lat=51&max_lat=51.2&min_lon=3.7&max_lon=3.8"; // private photos lie near 51.15 (Cast.Spec)
    private Cast cast = null!;
    private Member detector = null!;
    private readonly List<string> images = [];

    public async Task InitializeAsync()
    {
        cast = await Cast.StartAsync();
        detector = await Member.CreateAsync(cast.Server, "detector", "mapillary:admin", admin: true);
        for (var seed = 10; seed < 16; seed++)
            images.Add(await cast.PublicImageAsync(seed)); // captured 2 s apart: the last is the newest
    }

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private static string[] Keys(JsonElement result) => result.GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).ToArray();

    [Fact]
    public async Task DetectionSearchMatchesABruteForceReference()
    {
        var random = new Random(6);
        string[] classes = ["regulatory--stop--us", "regulatory--no-left-turn--us--v1", "regulatory--maximum-speed-limit-25--us", "warning--tram-crossing--us", "mandatory--pass-on-either-side--us"];
        var submitted = new List<(string Image, string Type, string Score)>();
        foreach (var image in images)
        {
            var rects = Enumerable.Range(0, random.Next(0, 4)).Select(_ => (Type: classes[random.Next(classes.Length)], Score: (random.NextDouble() * 3).ToString("0.###", CultureInfo.InvariantCulture))).ToList();
            var body = JsonSerializer.Serialize(new { or_rects = rects.Select(r => new { type = r.Type, score = r.Score, rect = new[] { 0.1, 0.1, 0.2, 0.2 } }) });
            await Member.AcknowledgedAsync(await detector.SendJsonAsync(HttpMethod.Put, $"/v2/im/{image}/or/trafficsign_us_3.0", body));
            submitted.AddRange(rects.Select(r => (image, r.Type, r.Score)));
        }
        var privateImage = await cast.PrivateImageAsync(10);
        await Member.AcknowledgedAsync(await detector.SendJsonAsync(HttpMethod.Put, $"/v2/im/{privateImage}/or/trafficsign_us_3.0",
            """{"or_rects":[{"type":"regulatory--stop--us","score":"2","rect":[0.1,0.1,0.2,0.2]}]}"""));

        var filters = new (string Query, string[] Prefixes, double? Min)[]
        {
            ("", [], null), ("&or_classes[]=regulatory--", ["regulatory--"], null), ("&min_score=1.5", [], 1.5),
            ("&or_package=trafficsign_us_3.0&or_classes[]=regulatory--no-&or_classes[]=warning--&min_score=0.5", ["regulatory--no-", "warning--"], 0.5),
            ("&or_package=trafficsign_eu_6.0", ["nothing"], null), ("&or_classes[]=Regulatory--", ["Regulatory--"], null),
        };
        foreach (var (query, prefixes, min) in filters)
        {
            var matching = submitted.Where(s => (prefixes.Length == 0 || prefixes.Any(p => s.Type.StartsWith(p, StringComparison.Ordinal)))
                                                && (min is null || double.Parse(s.Score, CultureInfo.InvariantCulture) >= min)).ToList();
            var expected = images.Where(i => matching.Any(m => m.Image == i)).Reverse().ToArray(); // newest first
            var result = await cast.Stranger.GetJsonAsync($"/v2/search/im/or?{Box}{query}");
            Assert.Equal(expected, Keys(result));
            foreach (var im in result.GetProperty("ims").EnumerateArray())
            {
                Assert.Equal(["ca", "key", "lat", "lon", "rects", "user"], Member.Names(im));
                var rects = im.GetProperty("rects").EnumerateArray().Select(r => (r.GetProperty("type").GetString()!, r.GetProperty("score").GetString()!)).OrderBy(r => r).ToArray();
                Assert.Equal(matching.Where(m => m.Image == im.GetProperty("key").GetString()).Select(m => (m.Type, m.Score)).OrderBy(r => r).ToArray(), rects);
            }
            var geo = await cast.Stranger.GetJsonAsync($"/v2/search/im/geojson/or?{Box}{query}");
            Assert.Equal(expected, geo.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("key").GetString()!).ToArray());
        }
        Assert.Contains(privateImage, Keys(await cast.ProjectMember.GetJsonAsync($"/v2/search/im/or?{Box}&project={Cast.Project}")));

        var paged = await cast.Stranger.GetJsonAsync($"/v2/search/im/or?{Box}&limit=1");
        var all = submitted.Select(s => s.Image).Distinct().Count();
        Assert.Equal(all > 1, paged.GetProperty("more").GetBoolean());
    }

    [Fact]
    public async Task CommentedAndBlurredImagesComeWithTheirCommentsAndBlurs()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{images[1]}/cm", new { cm = "first" }));
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync($"/v2/im/{images[1]}/cm", new { cm = "second" }));
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{images[3]}/cm", new { cm = "other" }));
        var commented = await cast.Stranger.Anonymous().GetJsonAsync($"/v2/search/im/cm?{Box}");
        Assert.Equal([images[3], images[1]], Keys(commented));
        var first = commented.GetProperty("ims")[1];
        Assert.Equal(["ca", "captured_at", "comments", "key", "lat", "location", "lon", "sequence_key", "user"], Member.Names(first));
        var comments = first.GetProperty("comments").EnumerateArray().ToArray();
        Assert.Equal(["comment", "created_at", "key", "user"], Member.Names(comments[0]));
        Assert.Equal([("first", "stranger"), ("second", "member")], comments.Select(c => (c.GetProperty("comment").GetString(), c.GetProperty("user").GetString())).ToArray());
        var geo = await cast.Stranger.GetJsonAsync($"/v2/search/im/geojson/cm?{Box}");
        Assert.Equal(["ca", "comments", "key"], Member.Names(geo.GetProperty("features")[1].GetProperty("properties")));
        Assert.False(geo.GetProperty("more").GetBoolean());

        Assert.Empty(Keys(await cast.Stranger.GetJsonAsync($"/v2/search/im/b?{Box}")));
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{images[2]}/b", new { bs = new[] { new { type = "useredit", rect = new[] { 0.1, 0.2, 0.3, 0.4 } } } }));
        Assert.Empty(Keys(await cast.Stranger.GetJsonAsync($"/v2/search/im/b?{Box}"))); // pending is not in effect
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/b/{images[2]}"));
        var blurred = await cast.Stranger.GetJsonAsync($"/v2/search/im/b?{Box}");
        Assert.Equal([images[2]], Keys(blurred));
        var blur = Assert.Single(blurred.GetProperty("ims")[0].GetProperty("blur").EnumerateArray());
        Assert.Equal(("useredit", 0.4), (blur.GetProperty("type").GetString(), blur.GetProperty("rect")[3].GetDouble()));
        var geoBlur = await cast.Stranger.GetJsonAsync($"/v2/search/im/geojson/b?{Box}");
        Assert.Single(geoBlur.GetProperty("features")[0].GetProperty("properties").GetProperty("blurs").EnumerateArray());

        // A hidden image leaves these searches as it leaves every other.
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{images[3]}/complain", new { cm = "hide" }));
        var complaint = (await cast.Admin.GetJsonAsync("/v2/complaints")).GetProperty("complaints")[0].GetProperty("key").GetString();
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{complaint}?decision=uphold"));
        Assert.Equal([images[1]], Keys(await cast.Stranger.GetJsonAsync($"/v2/search/im/cm?{Box}")));
    }

    [Fact]
    public async Task PrivateImagesNeedTheProjectAndMembership()
    {
        var privateImage = await cast.PrivateImageAsync(11);
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync($"/v2/im/{privateImage}/cm", new { cm = "members" }));
        Assert.DoesNotContain(privateImage, Keys(await cast.ProjectMember.GetJsonAsync($"/v2/search/im/cm?{Box}")));
        Assert.Contains(privateImage, Keys(await cast.ProjectMember.GetJsonAsync($"/v2/search/im/cm?{Box}&project={Cast.Project}")));
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/search/im/cm?{Box}&project={Cast.Project}"), "not_found");
        await ContractAssert.Error(await cast.Stranger.Anonymous().SendAsync(HttpMethod.Get, $"/v2/search/im/cm?{Box}&project={Cast.Project}"), "user_not_authenticated");
    }

    [Theory]
    [InlineData("/v2/search/im/or", "or_package=trafficsign_xx_1.0", "or_package")]
    [InlineData("/v2/search/im/or", "min_score=lots", "min_score")]
    [InlineData("/v2/search/im/geojson/or", "min_score=Infinity", "min_score")]
    [InlineData("/v2/search/im/b", "limit=0", "limit")]
    [InlineData("/v2/search/im/cm", "min_lat=95&max_lat=96&min_lon=0&max_lon=1", "min_lat")]
    [InlineData("/v2/search/im/geojson/cm", "start_time=later", "start_time")]
    [InlineData("/v2/search/im/geojson/b", "page=-1", "page")]
    public async Task BadParametersNameTheParameter(string path, string query, string parameter) =>
        Assert.Contains(parameter, await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"{path}?{query}"), "parameter_invalid"));
}
