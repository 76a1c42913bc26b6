using System.Net;
using NetVips;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;
using Vips = NetVips.Image;

namespace Sightline.Tests.Community;

/// <summary>Faces found at ingest are blurred in the very first thumbnails and listed as automatic blurs.</summary>
public sealed class FaceBlurIngestTests
{
    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Community", "Data", name);

    // messi5.jpg with a position and a time, so the upload API takes it.
    private static byte[] GeotaggedMessi()
    {
        using var source = Vips.NewFromFile(DataPath("messi5.jpg"));
        using var tagged = source.Mutate(image =>
        {
            image.Set(GValue.GStrType, "exif-ifd3-GPSLatitude", "41/1 22/1 50/1");
            image.Set(GValue.GStrType, "exif-ifd3-GPSLatitudeRef", "N");
            image.Set(GValue.GStrType, "exif-ifd3-GPSLongitude", "2/1 7/1 22/1");
            image.Set(GValue.GStrType, "exif-ifd3-GPSLongitudeRef", "E");
            image.Set(GValue.GStrType, "exif-ifd2-DateTimeOriginal", "2024:06:01 20:00:00");
        });
        return tagged.JpegsaveBuffer(q: 95);
    }

    private static double MeanDifference(Vips a, Vips b, (int L, int T, int W, int H) area)
    {
        using var x = a.ExtractArea(area.L, area.T, area.W, area.H).Cast(Enums.BandFormat.Float);
        using var y = b.ExtractArea(area.L, area.T, area.W, area.H).Cast(Enums.BandFormat.Float);
        using var difference = (x - y).Abs();
        return difference.Avg();
    }

    [Fact]
    public async Task AFaceIsBlurredFromTheFirstThumbnailAndListedAsAnAutomaticBlur()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Blurs:DetectFaces"] = "true" });
        var owner = await Uploader.CreateAsync(server, "photographer");
        var original = GeotaggedMessi();
        var key = (await owner.UploadProcessedAsync("messi", original)).GetProperty("key").GetString()!;

        var blurs = await owner.GetJsonAsync($"/v2/im/{key}/b");
        var face = Assert.Single(blurs.GetProperty("bs").EnumerateArray());
        Assert.Equal("face", face.GetProperty("type").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, blurs.GetProperty("user").ValueKind);
        Assert.True((await owner.GetJsonAsync($"/v2/b/{key}")).GetProperty("applied").GetBoolean());
        var rect = face.GetProperty("rect").EnumerateArray().Select(n => n.GetDouble()).ToArray();
        // The centre of the hand-drawn face box (205,68)-(265,130) of 548×342 lies inside the blurred rectangle.
        var (cx, cy) = (235 / 548.0, 99 / 342.0);
        Assert.True(rect[0] < cx && cx < rect[2] && rect[1] < cy && cy < rect[3], string.Join(",", rect));

        // The served file against the same size made here from the original: the face no longer matches, the rest does.
        using var response = await server.Http.GetAsync($"/{key}/thumb-320.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var served = Vips.NewFromBuffer(await response.Content.ReadAsByteArrayAsync()).CopyMemory();
        using var reference = Vips.ThumbnailBuffer(original, 320).CopyMemory();
        Assert.Equal((reference.Width, reference.Height), (served.Width, served.Height));
        var (w, h) = (served.Width, served.Height);
        var faceArea = ((int)(rect[0] * w) + 3, (int)(rect[1] * h) + 3, (int)((rect[2] - rect[0]) * w) - 6, (int)((rect[3] - rect[1]) * h) - 6);
        // The reference is made by another resampling path (straight to 320, other JPEG quality), so "matches" means
        // "differs only by resampling": the blurred face differs several times more than the rest does.
        var below = (0, (int)(rect[3] * h) + 10, w, h - (int)(rect[3] * h) - 10);
        var (inside, outside) = (MeanDifference(reference, served, faceArea), MeanDifference(reference, served, below));
        Assert.True(outside < 6 && inside > 3 * outside, $"face differs by {inside}, the rest by {outside}");
    }

    [Fact]
    public async Task DetectionCanBeSwitchedOff()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Blurs:DetectFaces"] = "false" });
        var owner = await Uploader.CreateAsync(server, "photographer");
        var key = (await owner.UploadProcessedAsync("messi", GeotaggedMessi())).GetProperty("key").GetString()!;
        Assert.Empty((await owner.GetJsonAsync($"/v2/im/{key}/b")).GetProperty("bs").EnumerateArray());
    }
}
