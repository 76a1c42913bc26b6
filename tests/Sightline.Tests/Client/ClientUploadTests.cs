using Sightline.Client;
using Sightline.Client.Models;

namespace Sightline.Tests.Client;

/// <summary>The SDK's uploads from streams and files with progress, signed policies, and the upload bookkeeping calls.</summary>
public sealed class ClientUploadTests(SdkWorld world) : IClassFixture<SdkWorld>
{
    private static readonly DateTimeOffset Taken = new(2024, 11, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Records every report synchronously (<see cref="Progress{T}"/> would post them to the thread pool, after the call).</summary>
    private sealed class Reports : IProgress<long>
    {
        public List<long> Values { get; } = [];
        public void Report(long value) { lock (Values) Values.Add(value); }
    }

    /// <summary>A stream that cannot seek, like a network stream.</summary>
    private sealed class ForwardOnly(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    private static UploadImageOptions At(double lat) => new() { Lat = lat, Lon = 12.5, Ca = 45, CapturedAt = Taken };

    [Fact]
    public async Task StreamUploadReportsProgressToTheLastByteAndIsProcessed()
    {
        // Noise keeps the JPEG large (several 64 KiB chunks).
        var jpeg = Sightline.Tests.Imagery.Photos.NoisyJpeg(new Sightline.Tests.Imagery.PhotoSpec { Width = 800, Height = 600 });
        var progress = new Reports();
        using var stream = new MemoryStream(jpeg);

        var accepted = await world.Walker.UploadImageAsync("stream-1", stream, At(41.9), progress);
        var image = await world.ProcessedAsync(accepted.ImageKey);
        var state = await world.Walker.GetUploadAsync("stream-1");

        Assert.Equal(("ok", 200), (accepted.Code, accepted.Status));
        Assert.Equal(0, progress.Values[0]);
        Assert.Equal(jpeg.Length, progress.Values[^1]);
        Assert.Equal(progress.Values.Order(), progress.Values);
        Assert.True(progress.Values.Count > 2, $"{jpeg.Length} bytes in {progress.Values.Count - 1} reports: a 64 KiB chunk at a time");
        Assert.Equal((41.9, 45.0, Taken.ToUnixTimeMilliseconds()), (Math.Round(image.Lat, 6), image.Ca, image.CapturedAt));
        Assert.Equal(("stream-1", accepted.ImageKey, "done"), (state.UploadKey, state.ImageKey, state.State));
        Assert.Null(state.Failure);
    }

    [Fact]
    public async Task FileUploadTakesItsKeyFromTheFileNameAndRepeatsHarmlessly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sdk photo {Guid.NewGuid():N}.jpg");
        await File.WriteAllBytesAsync(path, world.Jpeg());
        try
        {
            var progress = new Reports();
            var first = await world.Walker.UploadImageFileAsync(path, options: At(41.91), progress: progress);
            var again = await world.Walker.UploadImageFileAsync(path, options: At(41.91));
            var state = await world.Walker.GetUploadAsync(SightlineClient.UploadKeyOf(path));

            Assert.Equal(first.ImageKey, again.ImageKey);
            Assert.Equal(first.ImageKey, state.ImageKey);
            Assert.Equal(new FileInfo(path).Length, progress.Values[^1]);
            Assert.Matches("^[A-Za-z0-9_-]{1,64}$", SightlineClient.UploadKeyOf(path));
            await world.ProcessedAsync(first.ImageKey);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ForwardOnlyStreamIsUploadedOnce()
    {
        using var stream = new ForwardOnly(world.Jpeg());

        var accepted = await world.Walker.UploadImageAsync("forward-1", stream, At(41.92));

        Assert.Equal(accepted.ImageKey, (await world.ProcessedAsync(accepted.ImageKey)).Key);
    }

    [Fact]
    public async Task SignedPolicyStandsInForTheToken()
    {
        var secrets = await world.Walker.GetUploadSecretsAsync();
        using var stream = new MemoryStream(world.Jpeg());

        var accepted = await world.Anonymous.UploadImageAsync("policy-1", stream, At(41.93) with { Policy = secrets });
        var image = await world.ProcessedAsync(accepted.ImageKey);

        Assert.False(string.IsNullOrEmpty(secrets.ImagesHash));
        Assert.False(string.IsNullOrEmpty(secrets.VideosPolicy));
        Assert.Equal("walker", image.User);
    }

    [Fact]
    public async Task PrivateUploadToAProjectIsHiddenFromStrangers()
    {
        using var stream = new MemoryStream(world.Jpeg());

        var accepted = await world.Walker.UploadImageAsync("private-1", stream, At(41.94) with { Project = SdkWorld.Project });
        await world.ProcessedAsync(accepted.ImageKey);

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Stranger.GetImageAsync(accepted.ImageKey));
        Assert.Equal(SightlineErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task UploadWithoutTheScopeIsUserNotAuthenticated()
    {
        using var stream = new MemoryStream(world.Jpeg());

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Stranger.UploadImageAsync("nope-1", stream, At(41.95)));

        Assert.Equal(SightlineErrorCode.UserNotAuthenticated, error.Code);
        Assert.Contains("public:upload", error.Message);
    }

    [Fact]
    public async Task StatusCountsUploadsAndDeletesRemoveThem()
    {
        using var stream = new MemoryStream(world.Jpeg());
        var accepted = await world.Walker.UploadImageAsync("delete-1", stream, At(41.96));
        await world.ProcessedAsync(accepted.ImageKey);
        var before = await world.Walker.GetUploadStatusAsync();

        await world.Walker.DeleteUploadFileAsync("delete-1");
        var stillThere = await world.Anonymous.GetImageAsync(accepted.ImageKey); // the thumbnails stay
        await world.Walker.DeleteUploadAsync("delete-1");
        var gone = await Assert.ThrowsAsync<SightlineApiException>(() => world.Anonymous.GetImageAsync(accepted.ImageKey));
        var forgotten = await Assert.ThrowsAsync<SightlineApiException>(() => world.Walker.GetUploadAsync("delete-1"));
        var after = await world.Walker.GetUploadStatusAsync();

        Assert.True(before.Done >= 1);
        Assert.Equal(accepted.ImageKey, stillThere.Key);
        Assert.Equal(SightlineErrorCode.NotFound, gone.Code);
        Assert.Equal(SightlineErrorCode.NotFound, forgotten.Code);
        Assert.Equal(before.Done - 1, after.Done);
        Assert.Empty(after.Failures);
    }
}
