using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using NetVips;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;
using Vips = NetVips.Image;

namespace Sightline.Tests.Community;

/// <summary>Applied blurs change the pixels of every public thumbnail inside their rectangles, and nothing else.</summary>
public sealed class BlurPixelTests : IAsyncLifetime
{
    // Only a safety net for a hung worker; no assertion is about time.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly double[] Rect = [0.25, 0.3, 0.55, 0.7];
    private Cast cast = null!;

    public async Task InitializeAsync() => cast = await Cast.StartAsync();

    public async Task DisposeAsync() => await cast.DisposeAsync();

    /// <summary>Polls GET /v2/b/{key} until the blurs in effect are applied (bounded loop).</summary>
    public static async Task<JsonElement> WaitUntilAppliedAsync(Member reader, string image)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var record = await reader.GetJsonAsync($"/v2/b/{image}");
            if (record.GetProperty("applied").GetBoolean())
                return record;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"blurs on {image} were not applied within {Timeout}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task ApprovedBlurMakesEveryThumbnailAgainBlurredInsideTheRectangleOnly()
    {
        // A checkerboard of 40-pixel squares: sharp detail that survives every thumbnail size, which a blur must flatten.
        var original = Checkerboard(1600, 1200, 40);
        var key = (await cast.Owner.UploadProcessedAsync("noisy", original)).GetProperty("key").GetString()!;
        var before = new Dictionary<int, (byte[] Bytes, string ETag)>();
        foreach (var width in new[] { 320, 640, 1024, 2048 })
            before[width] = await ThumbnailAsync(key, width);

        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{key}/b", new { bs = new[] { new { type = "useredit", rect = Rect } } }));
        // Pending is not applied: the thumbnails are still the old ones.
        Assert.Equal(before[640].ETag, (await ThumbnailAsync(key, 640)).ETag);
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/b/{key}"));
        await WaitUntilAppliedAsync(cast.Stranger, key);

        foreach (var (width, old) in before)
        {
            var now = await ThumbnailAsync(key, width);
            Assert.NotEqual(old.ETag, now.ETag);
            using var a = Decode(old.Bytes);
            using var b = Decode(now.Bytes);
            Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
            var (left, top, right, bottom) = ((int)(Rect[0] * a.Width), (int)(Rect[1] * a.Height), (int)(Rect[2] * a.Width), (int)(Rect[3] * a.Height));
            // Inside (a margin in from the edges): the content no longer matches and its detail is gone.
            var inside = (left + 8, top + 8, right - left - 16, bottom - top - 16);
            Assert.True(MeanDifference(a, b, inside) > 20, $"{width}: inside differs by only {MeanDifference(a, b, inside)}");
            Assert.True(Deviation(b, inside) < Deviation(a, inside) / 3, $"{width}: blurred region still has deviation {Deviation(b, inside)} vs {Deviation(a, inside)}");
            // Outside (a margin of JPEG blocks away): the same pixels as before.
            foreach (var outside in new[] { (0, 0, a.Width, top - 16), (0, bottom + 16, a.Width, a.Height - bottom - 16), (0, 0, left - 16, a.Height), (right + 16, 0, a.Width - right - 16, a.Height) })
                Assert.True(MeanDifference(a, b, outside) < 2, $"{width}: outside {outside} differs by {MeanDifference(a, b, outside)}");
        }

        // The original stays untouched, and the old thumbnails are gone from the data folder.
        var hash = Convert.ToHexStringLower(SHA256.HashData(original));
        Assert.Equal(original, await File.ReadAllBytesAsync(Path.Combine(cast.Server.DataDirectory, "originals", hash[..2], hash + ".jpg")));
        var folder = Path.Combine(cast.Server.DataDirectory, "derivatives", key[..2], key);
        Assert.Equal(["thumb-1024.v1.jpg", "thumb-2048.v1.jpg", "thumb-320.v1.jpg", "thumb-640.v1.jpg"],
            Directory.GetFiles(folder).Select(f => Path.GetFileName(f)!).OrderBy(n => n, StringComparer.Ordinal).ToArray());
    }

    private async Task<(byte[] Bytes, string ETag)> ThumbnailAsync(string key, int width)
    {
        using var response = await cast.Server.Http.GetAsync($"/{key}/thumb-{width}.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers.ETag!.Tag);
    }

    /// <summary>A geotagged JPEG of black and white squares.</summary>
    public static byte[] Checkerboard(int width, int height, int square)
    {
        using var xyz = Vips.Xyz(width, height);
        using var cells = (xyz / square).Floor();
        using var sum = cells[0] + cells[1];
        using var parity = sum % 2;
        using var grey = parity * 200 + 25;
        using var colour = grey.Bandjoin(grey, grey).Cast(Enums.BandFormat.Uchar);
        return Photos.Geotagged(colour, 51.05, 3.7166667, new DateTime(2024, 5, 2, 10, 0, 0));
    }

    private static Vips Decode(byte[] jpeg) => Vips.NewFromBuffer(jpeg).Colourspace(Enums.Interpretation.Bw).CopyMemory();

    private static double MeanDifference(Vips a, Vips b, (int Left, int Top, int Width, int Height) area)
    {
        using var x = a.ExtractArea(area.Left, area.Top, area.Width, area.Height).Cast(Enums.BandFormat.Float);
        using var y = b.ExtractArea(area.Left, area.Top, area.Width, area.Height).Cast(Enums.BandFormat.Float);
        using var difference = (x - y).Abs();
        return difference.Avg();
    }

    private static double Deviation(Vips image, (int Left, int Top, int Width, int Height) area)
    {
        using var region = image.ExtractArea(area.Left, area.Top, area.Width, area.Height);
        return region.Deviate();
    }
}
