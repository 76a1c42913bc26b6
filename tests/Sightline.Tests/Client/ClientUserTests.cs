using NetVips;
using Sightline.Client;
using Sightline.Client.Models;

namespace Sightline.Tests.Client;

/// <summary>The SDK's status, account, profile, feed, avatar, user search and stats calls against one real server.</summary>
public sealed class ClientUserTests(SdkWorld world) : IClassFixture<SdkWorld>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2024, 10, 7, 8, 0, 0, TimeSpan.Zero); // ISO week 41
    private List<ImageSummary> walk = null!;

    public async Task InitializeAsync() => walk = await world.OnceAsync("users", async () =>
    {
        var photos = await world.WalkAsync(50.85, 4.35, Start, 2); // Brussels
        await world.Stranger.PostCommentAsync(photos[0].Key, "Nice corner");
        return photos;
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task StatusCountsThePublicImages()
    {
        var status = await world.Anonymous.GetStatusAsync();

        Assert.Equal(("ok", 200), (status.Code, status.Status));
        Assert.False(string.IsNullOrEmpty(status.Version));
        Assert.Equal(3, status.Users);
        Assert.True(status.Images >= 2);
        Assert.True(status.Sequences >= 1);
    }

    [Fact]
    public async Task MeAndProfileDescribeTheWalker()
    {
        var me = await world.Walker.GetMeAsync();
        var profile = await world.Anonymous.GetUserAsync("walker");

        Assert.Equal(("walker", "walker@example.org"), (me.Username, me.Email));
        Assert.Equal(me.UserUuid, profile.UserUuid);
        Assert.Equal("walker", profile.User);
        Assert.True(profile.ImagesAll >= 2);
        Assert.True(profile.DistanceAll > 0);
        Assert.StartsWith(world.Server.BaseAddress.GetLeftPart(UriPartial.Authority), profile.Avatar);
    }

    [Fact]
    public async Task FeedsShowTheCommentNewestFirst()
    {
        var mine = await world.Walker.GetMyFeedAsync();
        var theirs = await world.Anonymous.GetUserFeedAsync("stranger");
        var all = new List<FeedEvent>();
        await foreach (var feedEvent in world.Walker.EnumerateMyFeedAsync(pageSize: 1))
            all.Add(feedEvent);
        var older = await world.Anonymous.GetUserFeedAsync("stranger", version: theirs.Items[0].Version - 1);
        var enumerated = new List<FeedEvent>();
        await foreach (var feedEvent in world.Anonymous.EnumerateUserFeedAsync("stranger"))
            enumerated.Add(feedEvent);

        var commented = Assert.Single(theirs.Items, e => e.Action == "commented");
        Assert.Equal(("comment", "stranger", "walker"), (commented.Object, commented.User, commented.OtherUser));
        Assert.Equal($"/{walk[0].Key}/thumb-320.jpg", commented.ImageUrl);
        Assert.Contains(mine.Items, e => e.Action == "commented" && e.Key == commented.Key);
        Assert.Equal(all.Select(e => e.Version).OrderDescending(), all.Select(e => e.Version));
        Assert.Contains(all, e => e.Action == "uploaded");
        Assert.DoesNotContain(older.Items, e => e.Version == commented.Version);
        Assert.Equal(theirs.Items.Select(e => e.Version), enumerated.Select(e => e.Version));
    }

    [Fact]
    public async Task AvatarSetFromAStreamIsServedAsAProfilePicture()
    {
        using var picture = new MemoryStream(world.Jpeg(300, 200));

        await world.Walker.SetAvatarAsync(picture, "image/jpeg");
        var me = await world.Walker.GetMeAsync();
        await using var redirected = await world.Anonymous.GetUserProfilePictureAsync("walker");
        var viaRedirect = await ReadAsync(redirected);
        await using var file = await world.Anonymous.GetProfilePictureFileAsync(me.Avatar!);
        var direct = await ReadAsync(file);

        Assert.NotEqual("default/profile.png", me.Avatar);
        Assert.Equal(direct, viaRedirect);
        using var image = Image.NewFromBuffer(direct);
        Assert.Equal((256, 256), (image.Width, image.Height));
    }

    [Fact]
    public async Task ProfilePictureFollowsTheRedirectWhenTheHttpClientDoesNot()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });

        await using var picture = await world.NewClient(http: http).GetUserProfilePictureAsync("stranger");
        var bytes = await ReadAsync(picture);

        Assert.Equal(0x89, bytes[0]); // PNG signature: the default picture
        Assert.Equal((byte)'P', bytes[1]);
    }

    [Fact]
    public async Task UserSearchMatchesPrefixes()
    {
        var matches = await world.Anonymous.SearchUsersAsync("WAL");

        Assert.Equal(["walker"], matches.Select(m => m.Username));
    }

    [Fact]
    public async Task StatsCountTheWalk()
    {
        var totals = await world.Anonymous.GetImageStatsAsync();
        var world_ = await world.Anonymous.GetToplistAsync(limit: 5);
        var belgium = await world.Anonymous.GetToplistAsync("belgium");
        var france = await world.Anonymous.GetToplistAsync("france");

        Assert.True(totals.Images >= 2);
        Assert.True(totals.Distance > 0);
        Assert.Equal("walker", world_.Total[0].Username);
        Assert.Contains(belgium.Weeks, w => w.Week == "41" && w.List.Any(u => u.Username == "walker" && u.Count == 2));
        Assert.Equal(2, belgium.TotalCount);
        Assert.Equal(0, france.TotalCount);
    }

    [Fact]
    public async Task UnknownCountryIsParameterInvalid()
    {
        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Anonymous.GetToplistAsync("atlantis"));

        Assert.Equal(SightlineErrorCode.ParameterInvalid, error.Code);
        Assert.Contains("cname", error.Message);
    }

    [Fact]
    public async Task TakeoutIsAZipOfTheWalkersPhotos()
    {
        await using var takeout = await world.Walker.GetTakeoutAsync();
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await ReadAsync(takeout)));

        foreach (var photo in walk)
            Assert.NotNull(zip.GetEntry($"originals/{photo.Key}.jpg"));
        await using var geojson = await zip.GetEntry("photos.geojson")!.OpenAsync();
        using var document = await System.Text.Json.JsonDocument.ParseAsync(geojson);
        var keys = document.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("key").GetString()!).ToHashSet();
        Assert.Superset(walk.Select(p => p.Key).ToHashSet(), keys);
    }

    private static async Task<byte[]> ReadAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
