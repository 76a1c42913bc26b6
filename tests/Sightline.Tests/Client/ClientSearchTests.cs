using Sightline.Client;
using Sightline.Client.Models;

namespace Sightline.Tests.Client;

/// <summary>The SDK's image and sequence searches, single pages and IAsyncEnumerable paging, against one real server.</summary>
public sealed class ClientSearchTests(SdkWorld world) : IClassFixture<SdkWorld>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2024, 7, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly BoundingBox Box = BoundingBox.Of(52.0, 5.0, 52.1, 5.1);
    private Setup data = null!;

    private sealed record Setup(List<ImageSummary> North, List<ImageSummary> South, ImageSummary Private);

    public async Task InitializeAsync() => data = await world.OnceAsync("search", async () => new Setup(
        await world.WalkAsync(52.05, 5.05, Start, 5),
        await world.WalkAsync(52.02, 5.02, Start.AddDays(1), 2),
        await world.PhotoAsync(52.03, 5.03, Start.AddDays(2), project: SdkWorld.Project)));

    public Task DisposeAsync() => Task.CompletedTask;

    private IEnumerable<string> NewestFirst => data.North.Concat(data.South).Reverse().Select(i => i.Key);

    [Fact]
    public async Task SearchImagesInABoxIsNewestFirstAndPagesWithMore()
    {
        var first = await world.Anonymous.SearchImagesAsync(new ImageQuery { Box = Box }, page: 0, limit: 4);
        var second = await world.Anonymous.SearchImagesAsync(new ImageQuery { Box = Box }, page: 1, limit: 4);

        Assert.True(first.More);
        Assert.False(second.More);
        Assert.Equal(1, second.Page);
        Assert.Equal(NewestFirst, first.Items.Concat(second.Items).Select(i => i.Key));
        Assert.All(first.Items, i => Assert.Equal("walker", i.User));
    }

    [Fact]
    public async Task EnumerateImagesWalksEveryPage()
    {
        var keys = new List<string>();
        await foreach (var image in world.Anonymous.EnumerateImagesAsync(new ImageQuery { Box = Box }, pageSize: 2))
            keys.Add(image.Key);

        Assert.Equal(NewestFirst, keys);
    }

    [Fact]
    public async Task EnumerationStopsWhenCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var keys = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var image in world.Anonymous.EnumerateImagesAsync(new ImageQuery { Box = Box }, pageSize: 2, cancellation.Token))
            {
                keys.Add(image.Key);
                if (keys.Count == 2)
                    await cancellation.CancelAsync();
            }
        });
        Assert.Equal(2, keys.Count);
    }

    [Fact]
    public async Task FiltersReachTheServer()
    {
        var byTime = await world.Anonymous.SearchImagesAsync(new ImageQuery { Box = Box, StartTime = Start.AddDays(1), EndTime = Start.AddDays(1).AddMinutes(1) });
        var byUser = await world.Anonymous.SearchImagesAsync(new ImageQuery { Box = Box, User = "stranger" });
        var mine = await world.Walker.SearchImagesAsync(new ImageQuery { Box = Box, Me = true, Project = SdkWorld.Project });

        Assert.Equal(data.South.Select(i => i.Key).Reverse(), byTime.Items.Select(i => i.Key));
        Assert.Empty(byUser.Items);
        Assert.Equal([data.Private.Key], mine.Items.Select(i => i.Key));
    }

    [Fact]
    public async Task ProjectSearchWithoutATokenIsUserNotAuthenticated()
    {
        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Anonymous.SearchImagesAsync(new ImageQuery { Project = SdkWorld.Project }));

        Assert.Equal(SightlineErrorCode.UserNotAuthenticated, error.Code);
        Assert.Contains("private:read", error.Message);
    }

    [Fact]
    public async Task CloseSearchIsNearestFirstWithDistances()
    {
        var target = data.North[2];
        var query = new CloseQuery { Lat = target.Lat, Lon = target.Lon, Distance = 50 };

        var page = await world.Anonymous.SearchImagesCloseAsync(query);
        var all = new List<ImageSummary>();
        await foreach (var image in world.Anonymous.EnumerateImagesCloseAsync(query, pageSize: 1))
            all.Add(image);

        Assert.Equal(target.Key, page.Items[0].Key);
        Assert.Equal(0, page.Items[0].Distance);
        Assert.All(page.Items.Skip(1), i => Assert.InRange(i.Distance!.Value, 1, 50));
        Assert.Equal(page.Items.Select(i => i.Key), all.Select(i => i.Key));
        Assert.Equal(data.North.Count, page.Items.Count);
    }

    [Fact]
    public async Task CloseSearchWithAnAngleRangeKeepsOnlyThoseAngles()
    {
        var target = data.North[0];

        var page = await world.Anonymous.SearchImagesCloseAsync(new CloseQuery { Lat = target.Lat, Lon = target.Lon, Distance = 100, MinCa = 15, MaxCa = 35 });

        // The walk turns 10 degrees per photo: only the third (20) and fourth (30) face between 15 and 35.
        Assert.Equal(new[] { data.North[2].Key, data.North[3].Key }.Order(StringComparer.Ordinal), page.Items.Select(i => i.Key).Order(StringComparer.Ordinal));
        Assert.All(page.Items, i => Assert.InRange(i.Ca!.Value, 15, 35));
    }

    [Fact]
    public async Task GeoJsonSearchesAreFeatureCollectionsWithMore()
    {
        var target = data.North[0];
        using var box = await world.Anonymous.SearchImagesGeoJsonAsync(new ImageQuery { Box = Box }, limit: 3);
        using var close = await world.Anonymous.SearchImagesCloseGeoJsonAsync(new CloseQuery { Lat = target.Lat, Lon = target.Lon, Distance = 1 });

        Assert.True(box.RootElement.GetProperty("more").GetBoolean());
        Assert.Equal(NewestFirst.Take(3), box.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("key").GetString()));
        var feature = Assert.Single(close.RootElement.GetProperty("features").EnumerateArray().ToList());
        Assert.Equal(target.Key, feature.GetProperty("properties").GetProperty("key").GetString());
        Assert.False(close.RootElement.GetProperty("more").GetBoolean());
    }

    [Fact]
    public async Task RandomImagesComeFromThePublicOnes()
    {
        var publicKeys = data.North.Concat(data.South).Select(i => (string?)i.Key).ToHashSet();

        var selected = await world.Anonymous.GetRandomSelectedImageAsync();
        using var random = await world.Anonymous.GetRandomImageGeoJsonAsync(new ImageQuery { Box = Box });
        using var none = await world.Anonymous.GetRandomImageGeoJsonAsync(new ImageQuery { Box = BoundingBox.Of(-10, -10, -9, -9) });

        Assert.Contains(selected.Key, publicKeys);
        var feature = Assert.Single(random.RootElement.GetProperty("features").EnumerateArray().ToList());
        Assert.Contains(feature.GetProperty("properties").GetProperty("key").GetString(), publicKeys);
        Assert.Empty(none.RootElement.GetProperty("features").EnumerateArray());
    }

    [Fact]
    public async Task SequenceSearchesFindBothWalks()
    {
        var page = await world.Anonymous.SearchSequencesAsync(new ImageQuery { Box = Box });
        var compact = await world.Anonymous.SearchCompactSequencesAsync(new ImageQuery { Box = Box }, limit: 1);
        var enumerated = new List<CompactSequence>();
        await foreach (var sequence in world.Anonymous.EnumerateCompactSequencesAsync(new ImageQuery { Box = Box }, pageSize: 1))
            enumerated.Add(sequence);
        var full = new List<Sequence>();
        await foreach (var sequence in world.Anonymous.EnumerateSequencesAsync(new ImageQuery { Box = Box }, pageSize: 1))
            full.Add(sequence);
        using var geojson = await world.Anonymous.SearchSequencesGeoJsonAsync(new ImageQuery { Box = Box });

        Assert.Equal([data.South[0].SequenceKey, data.North[0].SequenceKey], page.Items.Select(s => s.Key));
        Assert.Equal(data.North.Select(i => i.Key), page.Items[1].Keys);
        Assert.True(compact.More);
        Assert.Equal(data.South[0].Key, compact.Items[0].Mkey);
        Assert.Equal("walker", compact.Items[0].User);
        Assert.Equal(page.Items.Select(s => s.Key), enumerated.Select(s => s.Key));
        Assert.Equal(page.Items.Select(s => s.Key), full.Select(s => s.Key));
        Assert.Equal(page.Items.Select(s => s.Key),
            geojson.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("key").GetString()));
    }

    [Fact]
    public async Task InvalidBoxIsParameterInvalid()
    {
        var error = await Assert.ThrowsAsync<SightlineApiException>(() =>
            world.Anonymous.SearchImagesAsync(new ImageQuery { Box = BoundingBox.Of(10, 0, 5, 1) }));

        Assert.Equal(SightlineErrorCode.ParameterInvalid, error.Code);
        Assert.Contains("min_lat", error.Message);
    }
}
