using Sightline.Client;
using Sightline.Client.Models;

namespace Sightline.Tests.Client;

/// <summary>The SDK's object-recognition calls: a detector submits, readers get, search and draw at random.</summary>
public sealed class ClientDetectionTests(SdkWorld world) : IClassFixture<SdkWorld>, IAsyncLifetime
{
    private const string Package = "trafficsign_us_3.0";
    private static readonly DetectionQuery Box = new() { Box = BoundingBox.Of(47.5, -122.4, 47.7, -122.3) };
    private List<ImageSummary> images = null!;

    public async Task InitializeAsync() => images = await world.OnceAsync("detections", async () =>
    {
        var walk = await world.WalkAsync(47.6062, -122.3321, new DateTimeOffset(2024, 9, 1, 8, 0, 0, TimeSpan.Zero), 3);
        await world.Moderator.SubmitDetectionsAsync(walk[0].Key, Package,
            [new DetectionSubmission { Type = "regulatory--stop--us", Score = "0.8106", Rect = [0.1, 0.2, 0.3, 0.4] }]);
        await world.Moderator.SubmitDetectionsAsync(walk[1].Key, Package,
            [new DetectionSubmission { Type = "warning--tram-crossing--us", Score = "2.4133", Rect = [0.5, 0.5, 0.6, 0.6] }]);
        await world.Moderator.SubmitDetectionsAsync(walk[2].Key, Package, []);
        return walk;
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SubmittedDetectionsAreReadBackExactly()
    {
        var result = await world.Anonymous.GetImageDetectionsAsync(images[0].Key);

        var rect = Assert.Single(result.OrRects);
        Assert.Equal((Package, "regulatory--stop--us"), (rect.Package, rect.Type));
        Assert.Equal([0.1, 0.2, 0.3, 0.4], rect.Rect);
        Assert.Equal([Package], result.OrPackages);
        Assert.False(result.OrDone); // one package of five has run
        Assert.Empty(result.OrRectversions);
        Assert.Empty(result.OrConfirmedPackages);
        Assert.Equal((images[0].Key, "walker"), (result.Key, result.User));
    }

    [Fact]
    public async Task DetectionSearchFiltersByClassPrefixAndScore()
    {
        var all = await world.Anonymous.SearchDetectedImagesAsync(Box);
        var regulatory = await world.Anonymous.SearchDetectedImagesAsync(new DetectionQuery { Box = Box.Box, OrPackage = Package, OrClasses = ["regulatory--"] });
        var confident = new List<DetectedImage>();
        await foreach (var image in world.Anonymous.EnumerateDetectedImagesAsync(new DetectionQuery { Box = Box.Box, MinScore = 1.5 }, pageSize: 1))
            confident.Add(image);
        using var geojson = await world.Anonymous.SearchDetectedImagesGeoJsonAsync(new DetectionQuery { Box = Box.Box, OrClasses = ["warning--"] });

        Assert.Equal([images[1].Key, images[0].Key], all.Items.Select(i => i.Key));
        Assert.Equal([images[0].Key], regulatory.Items.Select(i => i.Key));
        Assert.Equal("regulatory--stop--us", Assert.Single(regulatory.Items[0].Rects).Type);
        Assert.Equal([images[1].Key], confident.Select(i => i.Key));
        var feature = Assert.Single(geojson.RootElement.GetProperty("features").EnumerateArray().ToList());
        Assert.Equal(images[1].Key, feature.GetProperty("properties").GetProperty("key").GetString());
        Assert.Equal("2.4133", feature.GetProperty("properties").GetProperty("rects")[0].GetProperty("score").GetString());
    }

    [Fact]
    public async Task RandomImageWithDetectionsIsOneThatHasSome()
    {
        var random = await world.Anonymous.GetRandomImageWithDetectionsAsync();

        Assert.Contains(random.Key, new[] { images[0].Key, images[1].Key });
        Assert.NotEmpty(random.Rects);
        Assert.Equal(1, random.RandomType);
    }

    [Fact]
    public async Task SubmittingAnUnknownPackageIsParameterInvalid()
    {
        var error = await Assert.ThrowsAsync<SightlineApiException>(() =>
            world.Moderator.SubmitDetectionsAsync(images[0].Key, "trafficsign_xx_9.0", []));

        Assert.Equal(SightlineErrorCode.ParameterInvalid, error.Code);
        Assert.Contains("package", error.Message);
    }
}
