using System.Net;
using Sightline.Images;
using Sightline.Storage;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Backends;

/// <summary>A server whose objects live in an S3-compatible store (s3rver): photos in, thumbnails out, nothing on its disk.</summary>
public sealed class S3ServerTests : IAsyncLifetime
{
    private TestServer server = null!;
    private Uploader uploader = null!;

    public async Task InitializeAsync()
    {
        var peer = await S3Peer.GetAsync();
        server = await TestServer.StartAsync(peer.Configuration(Guid.NewGuid().ToString("N")));
        uploader = await Uploader.CreateAsync(server, "s3-photographer");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task APhotoIsServedFromTheObjectStoreAndNoServerDataLandsInTheDataFolder()
    {
        var photo = Photos.Jpeg(new PhotoSpec { Width = 800, Height = 600, Lat = 51.05, Lon = 3.72, Taken = new DateTime(2024, 6, 1, 10, 0, 0) });
        var key = (await uploader.UploadProcessedAsync("in-s3", photo)).GetProperty("key").GetString()!;

        using var response = await server.Http.GetAsync($"/{key}/thumb-320.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using (var thumbnail = NetVips.Image.NewFromBuffer(bytes))
            Assert.Equal(320, thumbnail.Width); // whole and decodable: no chunk framing inside the object

        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "originals")));
        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "derivatives")));
        var blobs = (IBlobStore)server.Services.GetService(typeof(IBlobStore))!;
        Assert.True(await blobs.ExistsAsync(ImageFiles.ThumbnailKey(key, 2048)));
    }

    [Fact]
    public async Task DeletingAnUploadRemovesItsObjects()
    {
        var photo = Photos.Jpeg(new PhotoSpec { Width = 640, Height = 480, Lat = 51.06, Lon = 3.73, Taken = new DateTime(2024, 6, 2, 10, 0, 0) });
        var key = (await uploader.UploadProcessedAsync("short-lived", photo)).GetProperty("key").GetString()!;
        var blobs = (IBlobStore)server.Services.GetService(typeof(IBlobStore))!;
        Assert.True(await blobs.ExistsAsync(ImageFiles.ThumbnailKey(key, 320)));

        using var deleted = await uploader.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/short-lived");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        foreach (var width in ImageFiles.ThumbnailWidths)
            Assert.False(await blobs.ExistsAsync(ImageFiles.ThumbnailKey(key, width)));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"/{key}/thumb-320.jpg")).StatusCode);
    }

    [Fact]
    public async Task WithRedirectsAPublicThumbnailIsAPresignedUrlOfTheObject()
    {
        var peer = await S3Peer.GetAsync();
        var configuration = peer.Configuration(Guid.NewGuid().ToString("N"));
        configuration["Storage:S3:RedirectThumbnails"] = "true";
        await using var redirecting = await TestServer.StartAsync(configuration);
        var photographer = await Uploader.CreateAsync(redirecting, "s3-redirected");
        var photo = Photos.Jpeg(new PhotoSpec { Width = 700, Height = 500, Lat = 51.07, Lon = 3.74, Taken = new DateTime(2024, 6, 3, 10, 0, 0) });
        var key = (await photographer.UploadProcessedAsync("redirected", photo)).GetProperty("key").GetString()!;

        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = redirecting.BaseAddress };
        using var response = await plain.GetAsync($"/{key}/thumb-640.jpg");
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(peer.ServiceUrl.AbsoluteUri, location.AbsoluteUri);
        var bytes = await plain.GetByteArrayAsync(location);
        using var thumbnail = NetVips.Image.NewFromBuffer(bytes);
        Assert.Equal(640, thumbnail.Width);
    }
}
