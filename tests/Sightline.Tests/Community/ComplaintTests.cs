using System.Net;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>POST /v2/im/{key}/complain (spec §5 item 20) and the moderators' queue (/v2/complaints, sightline complaints).</summary>
public sealed class ComplaintTests : IAsyncLifetime
{
    private Cast cast = null!;
    private string image = "";

    public async Task InitializeAsync()
    {
        cast = await Cast.StartAsync();
        image = await cast.PublicImageAsync(3);
    }

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private async Task<JsonElement[]> QueueAsync(string state = "open") =>
        (await cast.Admin.GetJsonAsync($"/v2/complaints?state={state}")).GetProperty("complaints").EnumerateArray().ToArray();

    [Fact]
    public async Task NoBodyAndAMissingCmBeforeAMalformedKeyAreParameterMissing()
    {
        var anonymous = cast.Stranger.Anonymous();
        Assert.Contains("cm", await ContractAssert.Error(await anonymous.SendAsync(HttpMethod.Post, $"/v2/im/{image}/complain"), "parameter_missing"));
        // CONTRACT.md §4: parameter_missing, then parameter_invalid.
        Assert.Contains("cm", await ContractAssert.Error(await anonymous.PostJsonAsync("/v2/im/short/complain", new { }), "parameter_missing"));
        Assert.Contains("key", await ContractAssert.Error(await anonymous.PostJsonAsync("/v2/im/short/complain", new { cm = "x" }), "parameter_invalid"));
    }

    [Fact]
    public async Task AClientIdSufficesAndATokenRecordsTheUser()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.Anonymous().PostJsonAsync($"/v2/im/{image}/complain", new { cm = "anonymous: my house number is readable" }));
        await Member.AcknowledgedAsync(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{image}/complain",
            new FormUrlEncodedContent([new("cm", "signed: a face is not blurred")])));

        var queue = await QueueAsync();
        Assert.Equal(2, queue.Length);
        Assert.Equal(["cm", "created_at", "key", "mkey", "resolved_at", "resolved_by", "state", "user"], Member.Names(queue[0]));
        Assert.Equal(JsonValueKind.Null, queue[0].GetProperty("user").ValueKind);
        Assert.Equal("anonymous: my house number is readable", queue[0].GetProperty("cm").GetString());
        Assert.Equal("stranger", queue[1].GetProperty("user").GetString());
        Assert.All(queue, c => Assert.Equal(image, c.GetProperty("mkey").GetString()));
        Assert.All(queue, c => Assert.Equal("open", c.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task AUserHasOneOpenComplaintPerImage()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "first" }));
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "again" }), "parameter_invalid"));
        // Others may still complain, and without a token nobody can be told apart.
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "me too" }));
        await Member.AcknowledgedAsync(await cast.Stranger.Anonymous().PostJsonAsync($"/v2/im/{image}/complain", new { cm = "anonymous" }));
        await Member.AcknowledgedAsync(await cast.Stranger.Anonymous().PostJsonAsync($"/v2/im/{image}/complain", new { cm = "anonymous again" }));
        var first = (await QueueAsync())[0].GetProperty("key").GetString()!;
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{first}?decision=dismiss"));
        // Once it is resolved, a new one may be filed.
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "second thoughts" }));
        Assert.Equal(4, (await QueueAsync()).Length);
    }

    [Fact]
    public async Task OfOneUsersComplaintsSentAtOnceAboutOneImageOneIsFiled()
    {
        // A double-submitting client: on PostgreSQL (no single writer) several were filed, duplicates in the moderators' queue.
        var failures = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = $"round {round}, copy {i}" })));
            foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
                Assert.Contains("key", await ContractAssert.Error(refused, "parameter_invalid"));
            var open = await QueueAsync();
            if (answers.Count(a => a.StatusCode == HttpStatusCode.OK) != 1 || open.Length != 1)
                failures.Add($"round {round}: {answers.Count(a => a.StatusCode == HttpStatusCode.OK)} acknowledged, {open.Length} open");
            foreach (var complaint in open)
                await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{complaint.GetProperty("key").GetString()}?decision=dismiss"));
        }
        Assert.True(failures.Count == 0, string.Join(" | ", failures));
    }

    [Fact]
    public async Task OfUpholdingsAndDismissalsRacingForOneComplaintOneIsAcknowledgedAndThePhotoAgrees()
    {
        // Two moderators at once: on PostgreSQL (no single writer) both decisions were acknowledged, and the complaint read
        // "dismissed" while the photo was hidden by the upholding.
        var failures = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            var photo = await cast.PublicImageAsync(10 + round);
            await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{photo}/complain", new { cm = "a face is visible" }));
            var key = (await QueueAsync()).Single(c => c.GetProperty("mkey").GetString() == photo).GetProperty("key").GetString()!;
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
                cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{key}?decision={(i % 2 == 0 ? "uphold" : "dismiss")}")));
            foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
                await ContractAssert.Error(refused, "not_found");
            var won = Enumerable.Range(0, 6).Where(i => answers[i].StatusCode == HttpStatusCode.OK).Select(i => i % 2 == 0 ? "upheld" : "dismissed").ToList();
            var state = (await QueueAsync("all")).Single(c => c.GetProperty("key").GetString() == key).GetProperty("state").GetString();
            using var seen = await cast.Stranger.Anonymous().SendAsync(HttpMethod.Get, $"/v2/im/{photo}");
            if (won.Count != 1 || won[0] != state || (state == "upheld") != (seen.StatusCode == HttpStatusCode.NotFound))
                failures.Add($"round {round}: acknowledged [{string.Join(",", won)}], complaint {state}, photo {(int)seen.StatusCode}");
        }
        Assert.True(failures.Count == 0, string.Join(" | ", failures));
    }

    [Fact]
    public async Task UpheldComplaintHidesTheImageEverywhere()
    {
        var status = await cast.Stranger.GetJsonAsync("/v2/status");
        const string search = "/v2/search/im?min_lat=51&max_lat=51.1&min_lon=3.7&max_lon=3.8";
        bool Found(JsonElement result) => result.GetProperty("ims").EnumerateArray().Any(i => i.GetProperty("key").GetString() == image);
        Assert.True(Found(await cast.Stranger.GetJsonAsync(search)));
        Assert.Contains((await cast.Stranger.GetJsonAsync("/v2/search/s?min_lat=51&max_lat=51.1&min_lon=3.7&max_lon=3.8")).GetProperty("ss").EnumerateArray(),
            s => s.GetProperty("keys").EnumerateArray().Any(k => k.GetString() == image));
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "hide it" }));
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "hide it too" }));
        var key = (await QueueAsync())[0].GetProperty("key").GetString()!;
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{key}?decision=uphold"));

        // Hidden from everyone but its owner, whose hidden=true search lists it (spec §5 item 46) and who may open it.
        foreach (var path in new[] { $"/v2/im/{image}", $"/v2/im/{image}/cm", $"/v2/im/{image}/b", $"/{image}/thumb-320.jpg" })
        {
            await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, path), "not_found");
            await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Get, path), "not_found");
            using var owners = await cast.Owner.SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.OK, owners.StatusCode);
        }
        await ContractAssert.Error(await cast.Server.Http.GetAsync($"/{image}/thumb-320.jpg"), "not_found");
        Assert.False(Found(await cast.Stranger.GetJsonAsync(search)));
        Assert.False(Found(await cast.OwnerMember.GetJsonAsync(search + "&me=true")));
        // Nor is it in any sequence a sequence search shows, to anyone (its owner's hidden=true finds images, not lines).
        const string sequences = "/v2/search/s?min_lat=51&max_lat=51.1&min_lon=3.7&max_lon=3.8";
        bool InASequence(JsonElement result) =>
            result.GetProperty("ss").EnumerateArray().Any(s => s.GetProperty("keys").EnumerateArray().Any(k => k.GetString() == image));
        Assert.False(InASequence(await cast.Stranger.GetJsonAsync(sequences)));
        Assert.False(InASequence(await cast.OwnerMember.GetJsonAsync(sequences + "&hidden=true")));
        var after = await cast.Stranger.GetJsonAsync("/v2/status");
        Assert.Equal(status.GetProperty("images").GetInt64() - 1, after.GetProperty("images").GetInt64());
        Assert.Equal(0, (await cast.Stranger.GetJsonAsync("/v2/u/owner")).GetProperty("images_all").GetInt64());
        // Upholding one settles the other open complaint about the same image.
        Assert.Empty(await QueueAsync());
        var upheld = await QueueAsync("upheld");
        Assert.Equal(2, upheld.Length);
        Assert.All(upheld, c => Assert.Equal("moderator", c.GetProperty("resolved_by").GetString()));
        // A hidden image takes no new complaints, comments or blur requests from others: it is not there for them.
        await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "again" }), "not_found");
        await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/cm", new { cm = "hello" }), "not_found");
    }

    [Fact]
    public async Task TheOwnerStillFindsAHiddenImageWithHiddenTrue()
    {
        const string search = "/v2/search/im?min_lat=51&max_lat=51.1&min_lon=3.7&max_lon=3.8";
        bool Found(JsonElement result) => result.GetProperty("ims").EnumerateArray().Any(i => i.GetProperty("key").GetString() == image);
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "hide it" }));
        var key = (await QueueAsync())[0].GetProperty("key").GetString()!;
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{key}?decision=uphold"));

        // Spec §5 item 46: hidden=true adds the caller's own hidden images, and nobody else's.
        Assert.True(Found(await cast.OwnerMember.GetJsonAsync(search + "&hidden=true")));
        Assert.True(Found(await cast.OwnerMember.GetJsonAsync(search + "&hidden=1&me=true")));
        Assert.False(Found(await cast.OwnerMember.GetJsonAsync(search + "&hidden=false")));
        Assert.False(Found(await cast.Stranger.GetJsonAsync(search + "&hidden=true")));
        Assert.False(Found(await cast.Admin.GetJsonAsync(search + "&hidden=true")));
        var profile = await cast.Stranger.GetJsonAsync("/v2/u/owner");
        Assert.Equal(1, profile.GetProperty("images_hidden").GetInt64());
        Assert.Equal(0, profile.GetProperty("images_all").GetInt64());
    }

    [Fact]
    public async Task DismissedComplaintLeavesTheImage()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "I just dislike it" }));
        var key = (await QueueAsync())[0].GetProperty("key").GetString()!;
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{key}?decision=dismiss"));
        await cast.Stranger.GetJsonAsync($"/v2/im/{image}");
        Assert.Equal("dismissed", Assert.Single(await QueueAsync("all")).GetProperty("state").GetString());
        await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{key}?decision=uphold"), "not_found");
    }

    [Fact]
    public async Task TheCommandLineListsAndResolves()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = "from the shell" }));
        var listed = await cast.Server.AdminAsync("", "complaints", "list");
        var complaint = Assert.Single(listed.GetProperty("complaints").EnumerateArray());
        Assert.Equal("from the shell", complaint.GetProperty("cm").GetString());
        var key = complaint.GetProperty("key").GetString()!;

        var (exit, _, error) = await TestServer.RunCliAsync("", "complaints", "resolve", key, "--decision", "uphold", "--by", "stranger", "--data", cast.Server.DataDirectory);
        Assert.NotEqual(0, exit);
        Assert.Contains("administrator", error);
        await cast.Server.AdminAsync("", "complaints", "resolve", key, "--decision", "uphold", "--by", "moderator");
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/im/{image}"), "not_found");
    }

    [Fact]
    public async Task QueueNeedsMapillaryAdmin()
    {
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, "/v2/complaints"), "user_not_authenticated");
        await ContractAssert.Error(await cast.Stranger.Anonymous().SendAsync(HttpMethod.Get, "/v2/complaints"), "user_not_authenticated");
        Assert.Contains("mapillary:admin", await ContractAssert.Error(
            await cast.OwnerMember.SendAsync(HttpMethod.Post, $"/v2/complaints/{new string('C', 22)}?decision=uphold"), "user_not_authenticated"));
    }

    [Fact]
    public async Task PrivateImagesTakeComplaintsOnlyFromThoseWhoSeeThem()
    {
        var privateImage = await cast.PrivateImageAsync(3);
        await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{privateImage}/complain", new { cm = "x" }), "not_found");
        await ContractAssert.Error(await cast.Stranger.Anonymous().PostJsonAsync($"/v2/im/{privateImage}/complain", new { cm = "x" }), "not_found");
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync($"/v2/im/{privateImage}/complain", new { cm = "member" }));
    }

    [Theory]
    [InlineData("{}", "parameter_missing", "cm")]
    [InlineData("""{"cm":""}""", "parameter_missing", "cm")]
    [InlineData("""{"cm":["x"]}""", "parameter_invalid", "cm")]
    [InlineData("""{"cm":""", "parameter_invalid", "body")]
    public async Task BadComplaintBodies(string body, string code, string parameter)
    {
        Assert.Contains(parameter, await ContractAssert.Error(await cast.Stranger.SendJsonAsync(HttpMethod.Post, $"/v2/im/{image}/complain", body), code));
        Assert.Empty(await QueueAsync("all"));
    }

    [Fact]
    public async Task BadParametersOfTheQueue()
    {
        Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{image}/complain", new { cm = new string('x', 2001) }), "parameter_invalid"));
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.PostJsonAsync("/v2/im/short/complain", new { cm = "x" }), "parameter_invalid"));
        Assert.Contains("state", await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Get, "/v2/complaints?state=closed"), "parameter_invalid"));
        Assert.Contains("limit", await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Get, "/v2/complaints?limit=0"), "parameter_invalid"));
        Assert.Contains("page", await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Get, "/v2/complaints?page=-1"), "parameter_invalid"));
        var key = new string('C', 22);
        Assert.Contains("decision", await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{key}"), "parameter_missing"));
        Assert.Contains("decision", await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{key}?decision=maybe"), "parameter_invalid"));
        await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{key}?decision=uphold"), "not_found");
    }

    [Fact]
    public async Task QueuePagesWithMore()
    {
        for (var i = 0; i < 3; i++)
            await Member.AcknowledgedAsync(await cast.Stranger.Anonymous().PostJsonAsync($"/v2/im/{image}/complain", new { cm = $"complaint {i}" }));
        var first = await cast.Admin.GetJsonAsync("/v2/complaints?limit=2&page=0");
        Assert.True(first.GetProperty("more").GetBoolean());
        Assert.Equal(["complaint 0", "complaint 1"], first.GetProperty("complaints").EnumerateArray().Select(c => c.GetProperty("cm").GetString()!).ToArray());
        var second = await cast.Admin.GetJsonAsync("/v2/complaints?limit=2&page=1");
        Assert.False(second.GetProperty("more").GetBoolean());
        Assert.Equal("complaint 2", Assert.Single(second.GetProperty("complaints").EnumerateArray()).GetProperty("cm").GetString());
    }
}
