using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sightline.Images;
using Sightline.Storage;
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

    [Fact]
    public async Task PhotosUploadedWhileTheAccountIsDeletedGoWithIt()
    {
        // Uploads keep coming while `users delete --delete-photos` runs: each is refused (401, as for a revoked token) or
        // deleted with the rest. Before, the photos recorded after the deletion listed the account's went on being served
        // as by "deleted-<uuid>", and nobody could delete them any more.
        await using var server = await TestServer.StartAsync();
        var leaving = await Uploader.CreateAsync(server, "racing_user", "public:upload");
        var watcher = await Uploader.CreateAsync(server, "watching_user", "public:upload user:read");
        var photos = Enumerable.Range(0, 150).Select(i => Photos.Jpeg(new PhotoSpec
        {
            Width = 160, Height = 120, Lat = 45.5, Lon = 6.2 + i * 1e-5, Taken = new DateTime(2025, 5, 1, 9, 0, 0).AddSeconds(i), Seed = i,
        })).ToArray();
        var acknowledged = new ConcurrentBag<string>();
        for (var i = 0; i < 20; i++)
            acknowledged.Add(await leaving.UploadAsync($"race-{i}", photos[i]));
        var next = 20;
        var refused = 0;
        // Each writer uploads until it is refused: its last acknowledged upload overlapped the deletion.
        async Task UploadUntilRefusedAsync()
        {
            while (Interlocked.Increment(ref next) - 1 is var i && i < photos.Length)
            {
                using var response = await leaving.PostAsync($"race-{i}", photos[i]);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    await ContractAssert.Error(response, "user_not_authenticated");
                    Interlocked.Increment(ref refused);
                    return;
                }
                acknowledged.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("image_key").GetString()!);
            }
        }
        var writers = Enumerable.Range(0, 3).Select(_ => Task.Run(UploadUntilRefusedAsync)).ToArray();
        while (acknowledged.Count < 30)
            await Task.Delay(10);
        var deleted = await server.AdminAsync("", "users", "delete", "racing_user", "--delete-photos");
        await Task.WhenAll(writers);
        Assert.True(refused == writers.Length, $"{photos.Length} uploads were not enough to outlast the deletion");

        // Once a photo uploaded afterwards is processed, so are (or were) those queued before it: none may come back.
        var later = await watcher.UploadAsync("later", Photos.Jpeg(new PhotoSpec { Lat = 10, Lon = 10, Taken = new DateTime(2025, 5, 2), Seed = 1 }));
        await watcher.WaitUntilProcessedAsync(later);
        var blobs = (IBlobStore)server.Services.GetService(typeof(IBlobStore))!;
        var left = new List<string>();
        foreach (var key in acknowledged)
        {
            using var response = await watcher.SendAsync(HttpMethod.Get, $"/v2/im/{key}");
            if (response.StatusCode != HttpStatusCode.NotFound || await blobs.ExistsAsync(ImageFiles.ThumbnailKey(key, 320)))
                left.Add(key);
        }
        Assert.True(left.Count == 0, $"{left.Count} of {acknowledged.Count} acknowledged photos ({deleted.GetProperty("photos")} deleted) outlived their account");
        for (var i = 0; i < photos.Length; i++)
            Assert.False(await blobs.ExistsAsync(ImageFiles.OriginalKey(Convert.ToHexStringLower(SHA256.HashData(photos[i])))), $"the original of race-{i} is still stored");
        Assert.Empty((await watcher.GetJsonAsync("/v2/search/im/close?lat=45.5&lon=6.2&distance=1000")).GetProperty("ims").EnumerateArray());
        Assert.Empty((await watcher.GetJsonAsync("/api/search?bbox=6.19,45.49,6.21,45.51&limit=1000")).GetProperty("features").EnumerateArray());
    }
}
