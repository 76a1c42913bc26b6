using System.Net;
using System.Text;
using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Operations;

/// <summary>Deleting an account (issue 13): by the operator with a confirmation flag, or by the person on /settings.</summary>
public sealed class AccountDeletionTests
{
    [Fact]
    public async Task AnAccountWithoutPhotosIsDeletedWithoutTheFlag()
    {
        await using var server = await TestServer.StartAsync();
        await server.AddUserAsync("no_photos");
        var (exit, output, error) = await TestServer.RunCliAsync("", "users", "delete", "no_photos", "--data", server.DataDirectory);
        Assert.True(exit == 0, error);
        Assert.Contains("deleted user no_photos and 0 photos", output);
    }

    [Fact]
    public async Task DeletionNeedsTheFlagThenTakesThePhotosAndLeavesTheCommentsAsDeletedUser()
    {
        await using var server = await TestServer.StartAsync();
        var leaving = await Uploader.CreateAsync(server, "leaving_user", "public:upload public:write user:read");
        var staying = await Uploader.CreateAsync(server, "staying_user", "public:upload public:write user:read");
        var ownKey = await leaving.UploadAsync("mine", Photos.Jpeg(new PhotoSpec { Lat = 41, Lon = 2, Taken = new DateTime(2024, 6, 1), Seed = 1 }));
        await leaving.WaitUntilProcessedAsync(ownKey);
        var otherKey = await staying.UploadAsync("theirs", Photos.Jpeg(new PhotoSpec { Lat = 41.1, Lon = 2, Taken = new DateTime(2024, 6, 1), Seed = 2 }));
        await staying.WaitUntilProcessedAsync(otherKey);
        using (var comment = new StringContent("{\"cm\":\"nice corner\"}", Encoding.UTF8, "application/json"))
            Assert.Equal(HttpStatusCode.OK, (await leaving.SendAsync(HttpMethod.Post, $"/v2/im/{otherKey}/cm", comment)).StatusCode);

        var (exit, _, error) = await TestServer.RunCliAsync("", "users", "delete", "leaving_user", "--data", server.DataDirectory);
        Assert.NotEqual(0, exit);
        Assert.Contains("--delete-photos", error);
        Assert.Contains("their 1 photo for good", error); // says what it would delete
        Assert.Equal(HttpStatusCode.OK, (await staying.SendAsync(HttpMethod.Get, $"/v2/im/{ownKey}")).StatusCode);

        var uuid = (await server.AdminAsync("", "users", "show", "leaving_user")).GetProperty("user_uuid").GetString();
        var deleted = await server.AdminAsync("", "users", "delete", "leaving_user", "--delete-photos");
        Assert.Equal(1, deleted.GetProperty("photos").GetInt32());
        await ContractAssert.Error(await staying.SendAsync(HttpMethod.Get, $"/v2/im/{ownKey}"), "not_found");
        await ContractAssert.Error(await leaving.SendAsync(HttpMethod.Get, "/v2/me"), "user_not_authenticated");
        await ContractAssert.Error(await staying.SendAsync(HttpMethod.Get, "/v2/u/leaving_user"), "not_found");
        using var comments = JsonDocument.Parse(await (await staying.SendAsync(HttpMethod.Get, $"/v2/im/{otherKey}/cm")).Content.ReadAsStringAsync());
        var only = Assert.Single(comments.RootElement.GetProperty("cms").EnumerateArray());
        Assert.Equal("nice corner", only.GetProperty("comment").GetString());
        Assert.Contains("deleted user", only.GetProperty("user").GetRawText());

        // Nothing public names the account by its left-over name: not the user search, its profile, feed or avatar, nor
        // the feed of the photo's owner, where its comment is by "deleted user" as on the photo.
        var leftOver = "deleted-" + uuid;
        var users = await staying.GetJsonAsync("/v2/search/u?match=de");
        Assert.DoesNotContain(users.GetProperty("matches").EnumerateArray(), m => m.GetProperty("username").GetString()!.StartsWith("deleted-"));
        foreach (var path in new[] { $"/v2/u/{leftOver}", $"/v2/u/{leftOver}/feed", $"/v2/u/{leftOver}/profile.png" })
            await ContractAssert.Error(await staying.SendAsync(HttpMethod.Get, path), "not_found");
        var feed = await (await staying.SendAsync(HttpMethod.Get, "/v2/u/staying_user/feed")).Content.ReadAsStringAsync();
        Assert.Contains("deleted user", feed);
        Assert.DoesNotContain("deleted-", feed);
    }

    [Fact]
    public async Task APersonDeletesTheirOwnAccountFromSettings()
    {
        await using var server = await TestServer.StartAsync();
        await server.AddUserAsync("self_deleter");
        using var browser = new Sightline.Tests.OAuth.Browser(server.BaseAddress);
        await browser.SignInAsync("self_deleter", "correct horse battery staple");
        var settings = await (await browser.GetAsync("/settings")).Content.ReadAsStringAsync();
        Assert.Contains("/settings/delete-account", settings);

        var page = await (await browser.GetAsync("/settings/delete-account")).Content.ReadAsStringAsync();
        var wrong = await browser.SubmitAsync(page, new Dictionary<string, string> { ["confirm"] = "someone_else" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);

        var done = await browser.SubmitAsync(page, new Dictionary<string, string> { ["confirm"] = "self_deleter" });
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Account deleted", await done.Content.ReadAsStringAsync());

        using var again = new Sightline.Tests.OAuth.Browser(server.BaseAddress);
        var signIn = await (await again.GetAsync("/signin")).Content.ReadAsStringAsync();
        var refused = await again.SubmitAsync(signIn, new Dictionary<string, string> { ["username"] = "self_deleter", ["password"] = "correct horse battery staple" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
