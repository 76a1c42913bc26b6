using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>GET /v2/me/feed and /v2/u/{user}/feed (spec §3.5, §3.6, §1.7 FE, §5 items 35-36).</summary>
public sealed class FeedTests : IAsyncLifetime
{
    private Cast cast = null!;
    private string image = "";

    public async Task InitializeAsync()
    {
        cast = await Cast.StartAsync();
        image = await cast.PublicImageAsync(4);
    }

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private static JsonElement[] Events(JsonElement feed) => feed.GetProperty("feed").EnumerateArray().ToArray();

    private static string[] Actions(JsonElement feed) => Events(feed).Select(e => e.GetProperty("action").GetString()!).ToArray();

    [Fact]
    public async Task UploadCommentAndBlurEventsAppearNewestFirstInTheSpecShape()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/cm", new { cm = "Nice catch of the tram" }));
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/b", new { bs = new[] { new { type = "useredit", rect = new[] { 0.1, 0.1, 0.2, 0.2 } } } }));
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/b/{image}"));

        var owner = await cast.Stranger.Anonymous().GetJsonAsync("/v2/u/owner/feed");
        Assert.Equal(["feed", "more"], Member.Names(owner));
        Assert.Equal(["blur_applied", "blur_requested", "commented", "uploaded"], Actions(owner));
        var events = Events(owner);
        Assert.All(events, e => Assert.Equal(
            ["action", "detail_description", "image_url", "key", "location", "main_description", "object", "other_user", "timestamp", "user", "version"],
            Member.Names(e)));
        Assert.All(events, e => Assert.Equal($"/{image}/thumb-320.jpg", e.GetProperty("image_url").GetString()));
        Assert.All(events, e => Assert.Equal("Gent, Belgium", e.GetProperty("location").GetString())); // where the photo was taken
        var versions = events.Select(e => e.GetProperty("version").GetInt64()).ToArray();
        Assert.Equal(versions.OrderByDescending(v => v).ToArray(), versions);
        Assert.Equal(versions.Length, versions.Distinct().Count());

        var uploaded = events[3];
        Assert.Equal(("image", image, "owner"), (uploaded.GetProperty("object").GetString(), uploaded.GetProperty("key").GetString(), uploaded.GetProperty("user").GetString()));
        Assert.Equal("", uploaded.GetProperty("other_user").GetString()); // spec §1.7 types it a string: never null
        var commented = events[2];
        Assert.Equal(("comment", "stranger", "owner"), (commented.GetProperty("object").GetString(), commented.GetProperty("user").GetString(), commented.GetProperty("other_user").GetString()));
        Assert.Equal("Nice catch of the tram", commented.GetProperty("main_description").GetString());
        var commentKey = (await cast.Stranger.GetJsonAsync($"/v2/im/{image}/cm")).GetProperty("cms")[0].GetProperty("key").GetString();
        Assert.Equal(commentKey, commented.GetProperty("key").GetString());
        Assert.Equal(("blur", image, "stranger", "owner"), (events[1].GetProperty("object").GetString(), events[1].GetProperty("key").GetString(),
            events[1].GetProperty("user").GetString(), events[1].GetProperty("other_user").GetString()));
        Assert.Equal(("moderator", "stranger"), (events[0].GetProperty("user").GetString(), events[0].GetProperty("other_user").GetString()));

        // The stranger's own feed: what they did and what was done to their request.
        Assert.Equal(["blur_applied", "blur_requested", "commented"], Actions(await cast.Stranger.GetJsonAsync("/v2/me/feed")));
        Assert.Equal(Actions(await cast.Stranger.GetJsonAsync("/v2/me/feed")), Actions(await cast.Owner.GetJsonAsync("/v2/u/stranger/feed")));
    }

    [Fact]
    public async Task VersionLimitAndPageBoundTheFeed()
    {
        for (var i = 0; i < 4; i++)
            await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/cm", new { cm = $"comment {i}" }));
        var all = Events(await cast.Stranger.GetJsonAsync("/v2/u/stranger/feed"));
        Assert.Equal(["comment 3", "comment 2", "comment 1", "comment 0"], all.Select(e => e.GetProperty("main_description").GetString()!).ToArray());

        var v = all[1].GetProperty("version").GetInt64();
        var bounded = Events(await cast.Stranger.GetJsonAsync($"/v2/u/stranger/feed?version={v}"));
        Assert.Equal(["comment 2", "comment 1", "comment 0"], bounded.Select(e => e.GetProperty("main_description").GetString()!).ToArray());

        var first = await cast.Stranger.GetJsonAsync("/v2/u/stranger/feed?limit=3&page=0");
        Assert.True(first.GetProperty("more").GetBoolean());
        Assert.Equal(3, Events(first).Length);
        var second = await cast.Stranger.GetJsonAsync("/v2/u/stranger/feed?limit=3&page=1");
        Assert.False(second.GetProperty("more").GetBoolean());
        Assert.Equal("comment 0", Assert.Single(Events(second)).GetProperty("main_description").GetString());
    }

    [Fact]
    public async Task PrivateImageEventsAreHiddenFromThoseWhoMayNotSeeThem()
    {
        var privateImage = await cast.PrivateImageAsync(4);
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync($"/v2/im/{privateImage}/cm", new { cm = "secret" }));

        bool Mentions(JsonElement feed) => Events(feed).Any(e => e.GetProperty("image_url").GetString()!.Contains(privateImage));
        Assert.False(Mentions(await cast.Stranger.GetJsonAsync("/v2/u/owner/feed")));
        Assert.False(Mentions(await cast.Stranger.Anonymous().GetJsonAsync("/v2/u/owner/feed")));
        Assert.False(Mentions(await cast.Stranger.GetJsonAsync("/v2/u/member/feed")));
        var memberWithoutPrivateRead = await cast.ProjectMember.WithScopesAsync("user:read");
        Assert.False(Mentions(await memberWithoutPrivateRead.GetJsonAsync("/v2/me/feed")));
        Assert.True(Mentions(await cast.ProjectMember.GetJsonAsync("/v2/u/owner/feed")));
        Assert.True(Mentions(await cast.ProjectMember.GetJsonAsync("/v2/me/feed")));
        Assert.True(Mentions(await cast.OwnerMember.GetJsonAsync("/v2/me/feed")));
    }

    [Fact]
    public async Task ResolvedComplaintsShowOnlyInTheFeedsOfThoseInvolvedAndHiddenImagesLeaveTheFeeds()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/cm", new { cm = "before" }));
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "my face" }));
        var complaint = (await cast.Admin.GetJsonAsync("/v2/complaints")).GetProperty("complaints")[0].GetProperty("key").GetString()!;
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{complaint}?decision=uphold"));

        var mine = Events(await cast.Stranger.GetJsonAsync("/v2/me/feed"));
        var resolved = Assert.Single(mine);
        Assert.Equal(("complaint_resolved", "complaint", complaint, "moderator", ""), (resolved.GetProperty("action").GetString(),
            resolved.GetProperty("object").GetString(), resolved.GetProperty("key").GetString(), resolved.GetProperty("user").GetString(),
            resolved.GetProperty("image_url").GetString()));
        Assert.Equal(["complaint_resolved"], Actions(await cast.Admin.GetJsonAsync("/v2/me/feed")));
        Assert.Empty(Events(await cast.Stranger.GetJsonAsync("/v2/u/moderator/feed")));
        Assert.Empty(Events(await cast.Stranger.GetJsonAsync("/v2/u/stranger/feed")));
        Assert.Empty(Events(await cast.Stranger.GetJsonAsync("/v2/u/owner/feed")));
    }

    [Fact]
    public async Task DeletedCommentsLeaveTheFeed()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/cm", new { cm = "oops" }));
        var key = (await cast.Stranger.GetJsonAsync($"/v2/im/{image}/cm")).GetProperty("cms")[0].GetProperty("key").GetString();
        await Member.AcknowledgedAsync(await cast.Stranger.SendAsync(HttpMethod.Delete, $"/v2/cm/{key}"));
        Assert.Empty(Events(await cast.Stranger.GetJsonAsync("/v2/me/feed")));
    }

    [Fact]
    public async Task MyFeedNeedsUserRead()
    {
        await ContractAssert.Error(await cast.Stranger.Anonymous().SendAsync(HttpMethod.Get, "/v2/me/feed"), "user_not_authenticated");
        var writer = await cast.Stranger.WithScopesAsync("public:write");
        Assert.Contains("user:read", await ContractAssert.Error(await writer.SendAsync(HttpMethod.Get, "/v2/me/feed"), "user_not_authenticated"));
    }

    [Theory]
    [InlineData("version=-1", "version")]
    [InlineData("version=abc", "version")]
    [InlineData("version=1.5", "version")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1.5", "limit")]
    [InlineData("page=-1", "page")]
    [InlineData("page=x", "page")]
    public async Task BadFeedParameters(string query, string parameter)
    {
        foreach (var path in new[] { "/v2/me/feed", "/v2/u/owner/feed", $"/v2/u/{new string('z', 20)}/feed" })
            Assert.Contains(parameter, await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"{path}?{query}"), "parameter_invalid"));
    }

    [Fact]
    public async Task BadAndUnknownUsers()
    {
        Assert.Contains("user", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, "/v2/u/x/feed"), "parameter_invalid"));
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, "/v2/u/nobody_here/feed"), "not_found");
    }
}
