using System.Net;
using System.Text.Json;
using NetVips;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;
using Vips = NetVips.Image;

namespace Sightline.Tests.Community;

/// <summary>Faces and plates found at ingest are blurred in the very first thumbnails and listed as automatic blurs.</summary>
public sealed class AutomaticBlurIngestTests
{
    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Community", "Data", name);

    private static readonly Dictionary<string, string?> Detecting = new() { ["Blurs:DetectFaces"] = "true", ["Blurs:DetectPlates"] = "true" };

    private static byte[] Geotagged(Vips source) => Photos.Geotagged(source, 41.38056, 2.12278, new DateTime(2024, 6, 1, 20, 0, 0), quality: 95);

    private static byte[] GeotaggedMessi()
    {
        using var source = Vips.NewFromFile(DataPath("messi5.jpg"));
        return Geotagged(source);
    }

    private static double MeanDifference(Vips a, Vips b, (int L, int T, int W, int H) area)
    {
        using var x = a.ExtractArea(area.L, area.T, area.W, area.H).Cast(Enums.BandFormat.Float);
        using var y = b.ExtractArea(area.L, area.T, area.W, area.H).Cast(Enums.BandFormat.Float);
        using var difference = (x - y).Abs();
        return difference.Avg();
    }

    private static double[] RectOf(JsonElement blur) => blur.GetProperty("rect").EnumerateArray().Select(n => n.GetDouble()).ToArray();

    /// <summary>
    /// The served 320 px thumbnail against the same size made here from the original: inside <paramref name="rect"/>
    /// it no longer matches, and the strip below it does. The reference is made by another resampling path (straight to
    /// 320, other JPEG quality), so "matches" means "differs only by resampling": the blurred area differs several times
    /// more than the rest does.
    /// </summary>
    private static async Task AssertBlurredInThumbnail(TestServer server, string key, byte[] original, double[] rect)
    {
        using var response = await server.Http.GetAsync($"/{key}/thumb-320.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var served = Vips.NewFromBuffer(await response.Content.ReadAsByteArrayAsync()).CopyMemory();
        using var reference = Vips.ThumbnailBuffer(original, 320).CopyMemory();
        Assert.Equal((reference.Width, reference.Height), (served.Width, served.Height));
        var (w, h) = (served.Width, served.Height);
        var blurred = ((int)(rect[0] * w) + 2, (int)(rect[1] * h) + 2, (int)((rect[2] - rect[0]) * w) - 4, (int)((rect[3] - rect[1]) * h) - 4);
        var below = (0, (int)(rect[3] * h) + 10, w, Math.Min(40, h - (int)(rect[3] * h) - 10));
        var (inside, outside) = (MeanDifference(reference, served, blurred), MeanDifference(reference, served, below));
        Assert.True(outside < 6 && inside > 3 * outside, $"blurred area differs by {inside}, the rest by {outside}");
    }

    [Fact]
    public async Task AFaceIsBlurredFromTheFirstThumbnailAndListedAsAnAutomaticBlur()
    {
        await using var server = await TestServer.StartAsync(Detecting);
        var owner = await Uploader.CreateAsync(server, "photographer");
        var original = GeotaggedMessi();
        var key = (await owner.UploadProcessedAsync("messi", original)).GetProperty("key").GetString()!;

        var blurs = await owner.GetJsonAsync($"/v2/im/{key}/b");
        var face = Assert.Single(blurs.GetProperty("bs").EnumerateArray());
        Assert.Equal("face", face.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, blurs.GetProperty("user").ValueKind);
        Assert.True((await owner.GetJsonAsync($"/v2/b/{key}")).GetProperty("applied").GetBoolean());
        var rect = RectOf(face);
        // The centre of the hand-drawn face box (220,88)-(266,134) of 548×342 lies inside the blurred rectangle.
        var (cx, cy) = (243 / 548.0, 111 / 342.0);
        Assert.True(rect[0] < cx && cx < rect[2] && rect[1] < cy && cy < rect[3], string.Join(",", rect));
        await AssertBlurredInThumbnail(server, key, original, rect);
    }

    [Fact]
    public async Task APlateIsBlurredFromTheFirstThumbnailAndListedAsAnAutomaticBlur()
    {
        await using var server = await TestServer.StartAsync(Detecting);
        var owner = await Uploader.CreateAsync(server, "photographer");
        var (scene, plate) = SyntheticPlates.Scene(DataPath("home.jpg"), 1024, number: 0, paint: 0, width: 180, px: 0.5, py: 0.4);
        byte[] original;
        var (cx, cy) = ((plate.Left + plate.Right) / 2.0 / scene.Width, (plate.Top + plate.Bottom) / 2.0 / scene.Height);
        using (scene)
            original = Geotagged(scene);
        var key = (await owner.UploadProcessedAsync("plate", original)).GetProperty("key").GetString()!;

        var listed = (await owner.GetJsonAsync($"/v2/im/{key}/b")).GetProperty("bs").EnumerateArray().ToList();
        var found = Assert.Single(listed, b => b.GetProperty("type").GetString() == "license");
        var rect = RectOf(found);
        Assert.True(rect[0] < cx && cx < rect[2] && rect[1] < cy && cy < rect[3], string.Join(",", rect));
        Assert.DoesNotContain(listed, b => b.GetProperty("type").GetString() == "face");
        await AssertBlurredInThumbnail(server, key, original, rect);
    }

    [Fact]
    public async Task AFaceIsStillBlurredAfterTheIdleQueueFreedTheDetectors()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>(Detecting) { ["Processing:IdlePollSeconds"] = "0.2" });
        var owner = await Uploader.CreateAsync(server, "photographer");
        var original = GeotaggedMessi();
        await owner.UploadProcessedAsync("before", original);

        // The queue stays empty after the burst: the worker frees the detectors and gives the native memory back.
        var freed = new System.Text.RegularExpressions.Regex(@"Queue empty: (\d+) idle detectors freed, memory given back");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        int Freed() => server.Logs.Entries.Select(e => freed.Match(e.Message)).Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value));
        while (Freed() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no idle release was logged");
            await Task.Delay(100);
        }

        var key = (await owner.UploadProcessedAsync("after", original)).GetProperty("key").GetString()!;
        var face = Assert.Single((await owner.GetJsonAsync($"/v2/im/{key}/b")).GetProperty("bs").EnumerateArray());
        Assert.Equal("face", face.GetProperty("type").GetString());
        await AssertBlurredInThumbnail(server, key, original, RectOf(face));
    }

    [Fact]
    public async Task DetectionCanBeSwitchedOff()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Blurs:DetectFaces"] = "false", ["Blurs:DetectPlates"] = "false" });
        var owner = await Uploader.CreateAsync(server, "photographer");
        var key = (await owner.UploadProcessedAsync("messi", GeotaggedMessi())).GetProperty("key").GetString()!;
        Assert.Empty((await owner.GetJsonAsync($"/v2/im/{key}/b")).GetProperty("bs").EnumerateArray());
    }
}
