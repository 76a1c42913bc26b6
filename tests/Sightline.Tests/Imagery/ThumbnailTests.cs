using System.Net;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using Sightline.Tests.Infrastructure;
using Vips = NetVips.Image;

namespace Sightline.Tests.Imagery;

/// <summary>GET /{key}/thumb-{size}.jpg: width, orientation, stripped metadata, caching headers.</summary>
public sealed class ThumbnailTests : IAsyncLifetime
{
    private TestServer server = null!;
    private Uploader uploader = null!;

    private static readonly PhotoSpec Photo = new()
    {
        Width = 2400, Height = 1600, Lat = 51.05412, Lon = 3.72176, Ca = 10, Taken = new DateTime(2024, 3, 1, 12, 0, 0),
    };

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "photographer");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task ThumbnailsAreTheirWidthWithoutMetadataAndCacheable()
    {
        var key = (await uploader.UploadProcessedAsync("wide", Photos.Jpeg(Photo))).GetProperty("key").GetString()!;
        foreach (var width in new[] { 320, 640, 1024, 2048 })
        {
            // No client_id: image files are served like a CDN's.
            using var response = await server.Http.GetAsync($"/{key}/thumb-{width}.jpg");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            Assert.NotNull(response.Headers.ETag);
            var bytes = await response.Content.ReadAsByteArrayAsync();

            var (w, h) = Size(bytes);
            Assert.Equal(width, w);
            Assert.Equal((int)Math.Round(width * 1600.0 / 2400), h);
            var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(bytes));
            Assert.Empty(directories.OfType<GpsDirectory>());
            Assert.Empty(directories.OfType<ExifIfd0Directory>());
            Assert.Empty(directories.OfType<ExifSubIfdDirectory>());
        }
    }

    // The contract has no 304: a conditional request gets the whole file again, never a bare redirect status.
    [Fact]
    public async Task ConditionalRequestsStillGetTheFile()
    {
        var key = (await uploader.UploadProcessedAsync("conditional", Photos.Jpeg(Photo with { Width = 400, Height = 300 }))).GetProperty("key").GetString()!;
        using var first = await server.Http.GetAsync($"/{key}/thumb-320.jpg");
        var request = new HttpRequestMessage(HttpMethod.Get, $"/{key}/thumb-320.jpg");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        request.Headers.IfModifiedSince = DateTimeOffset.UtcNow;
        using var again = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task SmallPhotoIsNeverUpscaled()
    {
        var key = (await uploader.UploadProcessedAsync("small", Photos.Jpeg(Photo with { Width = 500, Height = 300 }))).GetProperty("key").GetString()!;
        var (w320, _) = Size(await server.Http.GetByteArrayAsync($"/{key}/thumb-320.jpg"));
        var (w1024, h1024) = Size(await server.Http.GetByteArrayAsync($"/{key}/thumb-1024.jpg"));
        Assert.Equal(320, w320);
        Assert.Equal((500, 300), (w1024, h1024));
    }

    // The stored pixels are dark on the left, bright on the right. Orientation 6 means "rotate 90° clockwise
    // to display": the left edge becomes the top. Orientation 8 turns the other way: the left edge becomes the bottom.
    // All eight EXIF orientations, each checked by size and by where the dark half ends up.
    [Theory]
    [InlineData(1, 320, 213, "left-dark")]
    [InlineData(6, 320, 480, "top-dark")]
    [InlineData(8, 320, 480, "bottom-dark")]
    [InlineData(3, 320, 213, "right-dark")]
    [InlineData(2, 320, 213, "right-dark")]  // mirrored left to right
    [InlineData(4, 320, 213, "left-dark")]   // mirrored top to bottom
    [InlineData(5, 320, 480, "top-dark")]    // transposed: the left edge becomes the top
    [InlineData(7, 320, 480, "bottom-dark")] // transversed: the left edge becomes the bottom
    public async Task OrientationIsApplied(int orientation, int width, int height, string darkSide)
    {
        var photo = Photos.Jpeg(Photo with { Width = 600, Height = 400, Orientation = orientation });
        var key = (await uploader.UploadProcessedAsync($"orientation-{orientation}", photo)).GetProperty("key").GetString()!;
        var bytes = await server.Http.GetByteArrayAsync($"/{key}/thumb-320.jpg");

        Assert.Equal((width, height), Size(bytes));
        using var thumb = Vips.NewFromBuffer(bytes);
        double Mean(int left, int top, int w, int h) { using var part = thumb.Crop(left, top, w, h); return part.Avg(); }
        var (first, second) = darkSide is "top-dark" or "bottom-dark"
            ? (Mean(0, 0, thumb.Width, thumb.Height / 4), Mean(0, thumb.Height * 3 / 4, thumb.Width, thumb.Height / 4))
            : (Mean(0, 0, thumb.Width / 4, thumb.Height), Mean(thumb.Width * 3 / 4, 0, thumb.Width / 4, thumb.Height));
        if (darkSide is "top-dark" or "left-dark")
            Assert.True(first < 100 && second > 150, $"expected {darkSide}: {first} vs {second}");
        else
            Assert.True(first > 150 && second < 100, $"expected {darkSide}: {first} vs {second}");
    }

    [Fact]
    public async Task UnknownImageOrSizeIsNotFound()
    {
        var key = (await uploader.UploadProcessedAsync("known", Photos.Jpeg(Photo with { Width = 400, Height = 300 }))).GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"/{key}/thumb-320.jpg")).StatusCode);
        await ContractAssert.Error(await server.Http.GetAsync($"/{key}/thumb-300.jpg"), "not_found");
        await ContractAssert.Error(await server.Http.GetAsync($"/{key}/thumb-0320.jpg"), "not_found");
        await ContractAssert.Error(await server.Http.GetAsync("/AAAAAAAAAAAAAAAAAAAAAA/thumb-320.jpg"), "not_found");
        await ContractAssert.Error(await server.Http.GetAsync("/short/thumb-320.jpg"), "parameter_invalid");
    }

    private static (int Width, int Height) Size(byte[] jpeg)
    {
        var frame = JpegMetadataReader.ReadMetadata(new MemoryStream(jpeg)).OfType<JpegDirectory>().Single();
        return (frame.GetImageWidth(), frame.GetImageHeight());
    }
}
