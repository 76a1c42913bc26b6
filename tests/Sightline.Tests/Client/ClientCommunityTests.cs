using Sightline.Client;
using Sightline.Client.Models;

namespace Sightline.Tests.Client;

/// <summary>The SDK's blur, comment and complaint calls and the community searches, against one real server.</summary>
public sealed class ClientCommunityTests(SdkWorld world) : IClassFixture<SdkWorld>
{
    private static readonly DateTimeOffset Start = new(2024, 8, 1, 8, 0, 0, TimeSpan.Zero);
    private int place;

    // Each test gets a photo of its own, far from the others', so the box searches below see only what the test did.
    private async Task<(ImageSummary Image, ImageQuery Box)> PhotoAsync()
    {
        var lat = 40 + Interlocked.Increment(ref place) + Random.Shared.Next(0, 40) * 0.1;
        var image = await world.PhotoAsync(lat, -3.7, Start);
        return (image, new ImageQuery { Box = BoundingBox.Of(lat - 0.01, -3.71, lat + 0.01, -3.69) });
    }

    [Fact]
    public async Task BlurRequestIsPendingThenApprovedByAModerator()
    {
        var (image, box) = await PhotoAsync();
        var wanted = Blur.Of(Blur.UserEdit, 0.1, 0.2, 0.3, 0.4);

        var ack = await world.Walker.RequestBlursAsync(image.Key, [wanted]);
        var pending = await world.Anonymous.GetImageBlursAsync(image.Key);
        var record = await world.Moderator.GetBlurRecordAsync(image.Key);
        var queue = new List<ImageSummary>();
        await foreach (var waiting in world.Moderator.EnumeratePendingBlursAsync(pageSize: 1))
            queue.Add(waiting);
        await world.Moderator.ApproveBlursAsync(image.Key);
        var decided = await world.Anonymous.GetImageBlursAsync(image.Key);
        var found = await world.Anonymous.SearchBlurredImagesAsync(box);
        using var geojson = await world.Anonymous.SearchBlurredImagesGeoJsonAsync(box);

        Assert.Equal(("ok", "request performed", 200), (ack.Code, ack.Message, ack.Status));
        Assert.Empty(pending.Bs);
        Assert.Equal(Blur.UserEdit, Assert.Single(pending.Pbs).Type);
        Assert.Equal(wanted.Rect, pending.Pbs[0].Rect);
        Assert.Equal("walker", pending.RequestingUser);
        Assert.Equal("walker", record.User);
        Assert.False(record.Applied);
        Assert.Contains(image.Key, queue.Select(i => i.Key));
        Assert.Equal(wanted.Rect, Assert.Single(decided.Bs).Rect);
        Assert.Empty(decided.Pbs);
        Assert.Equal("moderator", decided.User);
        var blurred = Assert.Single(found.Items);
        Assert.Equal(image.Key, blurred.Key);
        Assert.Equal(wanted.Rect, Assert.Single(blurred.Blur).Rect);
        var feature = Assert.Single(geojson.RootElement.GetProperty("features").EnumerateArray().ToList());
        Assert.Equal(1, feature.GetProperty("properties").GetProperty("blurs").GetArrayLength());
    }

    [Fact]
    public async Task RejectedBlurRequestLeavesTheBlursAsTheyWere()
    {
        var (image, _) = await PhotoAsync();
        await world.Walker.RequestBlursAsync(image.Key, [Blur.Of("user", 0.5, 0.5, 0.6, 0.6)]);
        var firstPage = await world.Moderator.SearchPendingBlursAsync(limit: 1000);

        await world.Moderator.RejectBlursAsync(image.Key);
        var after = await world.Anonymous.GetImageBlursAsync(image.Key);
        var again = await Assert.ThrowsAsync<SightlineApiException>(() => world.Moderator.RejectBlursAsync(image.Key));

        Assert.Contains(image.Key, firstPage.Items.Select(i => i.Key));
        Assert.Empty(after.Bs);
        Assert.Empty(after.Pbs);
        Assert.Null(after.RequestingUser);
        Assert.Equal(SightlineErrorCode.NotFound, again.Code);
    }

    [Fact]
    public async Task ApprovingWithoutTheAdminScopeIsUserNotAuthenticated()
    {
        var (image, _) = await PhotoAsync();

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Walker.ApproveBlursAsync(image.Key));

        Assert.Equal(SightlineErrorCode.UserNotAuthenticated, error.Code);
        Assert.Contains("mapillary:admin", error.Message);
    }

    [Fact]
    public async Task CommentsArePostedListedReadSearchedAndDeleted()
    {
        var (image, box) = await PhotoAsync();
        const string text = "Street sign is \"outdated\" here ✓";

        await world.Stranger.PostCommentAsync(image.Key, text);
        var listed = Assert.Single(await world.Anonymous.GetImageCommentsAsync(image.Key));
        var single = await world.Anonymous.GetCommentAsync(listed.Key);
        var searched = await world.Anonymous.SearchCommentedImagesAsync(box);
        var enumerated = new List<CommentedImage>();
        await foreach (var commented in world.Anonymous.EnumerateCommentedImagesAsync(box, pageSize: 1))
            enumerated.Add(commented);
        using var geojson = await world.Anonymous.SearchCommentedImagesGeoJsonAsync(box);
        await world.Walker.DeleteCommentAsync(listed.Key); // the image's owner may remove it
        var gone = await Assert.ThrowsAsync<SightlineApiException>(() => world.Anonymous.GetCommentAsync(listed.Key));

        Assert.Equal(text, listed.Text);
        Assert.Equal("stranger", listed.User.Username);
        Assert.EndsWith("profile.png", listed.User.Avatar);
        Assert.True(listed.CreatedAt > 0);
        Assert.Equal((text, image.Key, "stranger", listed.CreatedAt), (single.Text, single.Mkey, single.User, single.CreatedAt));
        var hit = Assert.Single(searched.Items);
        Assert.Equal(image.Key, hit.Key);
        Assert.Equal(text, Assert.Single(hit.Comments).Text);
        Assert.Equal([image.Key], enumerated.Select(i => i.Key));
        var feature = Assert.Single(geojson.RootElement.GetProperty("features").EnumerateArray().ToList());
        Assert.Equal(text, feature.GetProperty("properties").GetProperty("comments")[0].GetProperty("comment").GetString());
        Assert.Equal(SightlineErrorCode.NotFound, gone.Code);
        Assert.Empty(await world.Anonymous.GetImageCommentsAsync(image.Key));
    }

    [Fact]
    public async Task CommentWithoutATokenIsUserNotAuthenticatedAndNotRetried()
    {
        var (image, _) = await PhotoAsync();
        var handler = new RecordingHandler();
        using var http = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.NewClient(http: http).PostCommentAsync(image.Key, "hello"));

        Assert.Equal(SightlineErrorCode.UserNotAuthenticated, error.Code);
        Assert.Single(handler.Exchanges);
    }

    [Fact]
    public async Task ComplaintsAreFiledListedAndResolved()
    {
        var (image, _) = await PhotoAsync();

        await world.Anonymous.ComplainAsync(image.Key, "My house number is readable");
        await world.Stranger.ComplainAsync(image.Key, "A face, too");
        var open = await world.Moderator.ListComplaintsAsync(limit: 1000);
        var mine = open.Items.Where(c => c.Mkey == image.Key).OrderBy(c => c.Text, StringComparer.Ordinal).ToList();
        await world.Moderator.ResolveComplaintAsync(mine[0].Key, ComplaintDecision.Dismiss);
        var dismissed = new List<Complaint>();
        await foreach (var complaint in world.Moderator.EnumerateComplaintsAsync(ComplaintState.Dismissed, pageSize: 1))
            dismissed.Add(complaint);
        var all = await world.Moderator.ListComplaintsAsync(ComplaintState.All, limit: 1000);

        Assert.Equal(2, mine.Count);
        Assert.Equal(("A face, too", "stranger", "open"), (mine[0].Text, mine[0].User, mine[0].State));
        Assert.Null(mine[1].User);
        var resolved = Assert.Single(dismissed, c => c.Key == mine[0].Key);
        Assert.Equal(("dismissed", "moderator"), (resolved.State, resolved.ResolvedBy));
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Equal(2, all.Items.Count(c => c.Mkey == image.Key));
        Assert.Equal(image.Key, (await world.Anonymous.GetImageAsync(image.Key)).Key); // dismissed: still there
    }

    [Fact]
    public async Task UpheldComplaintHidesTheImage()
    {
        var (image, _) = await PhotoAsync();
        await world.Anonymous.ComplainAsync(image.Key, "Not a street");
        var complaint = (await world.Moderator.ListComplaintsAsync(limit: 1000)).Items.Single(c => c.Mkey == image.Key);

        await world.Moderator.ResolveComplaintAsync(complaint.Key, ComplaintDecision.Uphold);

        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Anonymous.GetImageAsync(image.Key));
        Assert.Equal(SightlineErrorCode.NotFound, error.Code);
    }
}
