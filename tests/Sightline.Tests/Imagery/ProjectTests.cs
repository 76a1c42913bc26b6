using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>Projects: private uploads, readable with private:read by members only, not_found to everyone else.</summary>
public sealed class ProjectTests : IAsyncLifetime
{
    private const string Query = "&project=site-survey";
    private TestServer server = null!;
    private Uploader owner = null!;
    private Uploader member = null!;
    private Uploader stranger = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        owner = await Uploader.CreateAsync(server, "owner", "private:upload private:read public:upload");
        member = await Uploader.CreateAsync(server, "member", "private:read");
        stranger = await Uploader.CreateAsync(server, "stranger", "private:read private:upload");
        await server.AdminAsync("", "projects", "add", "--key", "site-survey", "--name", "Site survey", "--owner", "owner");
        await server.AdminAsync("", "projects", "add-member", "site-survey", "member");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static byte[] Photo(int seed = 0) => Photos.Jpeg(new PhotoSpec
    {
        Width = 320, Height = 240, Lat = 52.37, Lon = 4.89, Taken = new DateTime(2024, 7, 1, 8, 0, seed), Seed = seed,
    });

    [Fact]
    public async Task PrivateImageIsVisibleOnlyToMembersWithPrivateRead()
    {
        var image = await owner.UploadProcessedAsync("private-1", Photo(), Query);
        var key = image.GetProperty("key").GetString()!;
        var sequence = image.GetProperty("sequence_key").GetString()!;

        foreach (var path in new[] { $"/v2/im/{key}", $"/v2/im/{key}/geojson", $"/v2/s/{sequence}", $"/v2/s/{sequence}/geojson" })
        {
            await member.GetJsonAsync(path);
            await ContractAssert.Error(await stranger.SendAsync(HttpMethod.Get, path), "not_found");
            await ContractAssert.Error(await server.Http.GetAsync($"{path}?client_id={stranger.ClientId}"), "not_found");
        }

        // Files: a member's token opens them, uncached; nobody else gets them.
        await ContractAssert.Error(await server.Http.GetAsync($"/{key}/thumb-320.jpg"), "not_found");
        await ContractAssert.Error(await stranger.SendAsync(HttpMethod.Get, $"/{key}/thumb-320.jpg"), "not_found");
        using var file = await member.SendAsync(HttpMethod.Get, $"/{key}/thumb-320.jpg");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.True(file.Headers.CacheControl is { Private: true, NoStore: true, Public: false }, file.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task AMemberWithoutPrivateReadIsToldTheScopeAsTheProjectSearchTellsThem()
    {
        // CONTRACT.md §4: the scope (step 4) is judged before the object (step 6). A member may see the project's
        // photos with private:read, so without it every read names that scope, as /v2/search/im?project= does; to a
        // stranger the same photos stay not_found, whatever the token's scopes, and so do the files to everyone.
        var image = await owner.UploadProcessedAsync("private-2", Photo(3), Query);
        var key = image.GetProperty("key").GetString()!;
        var sequence = image.GetProperty("sequence_key").GetString()!;
        var writer = await Uploader.CreateAsync(server, "writer", "private:read private:write");
        await server.AdminAsync("", "projects", "add-member", "site-survey", "writer");
        using (var posted = await writer.SendAsync(HttpMethod.Post, $"/v2/im/{key}/cm", JsonContent.Create(new { cm = "gate is open" })))
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var comment = (await writer.GetJsonAsync($"/v2/im/{key}/cm")).GetProperty("cms")[0].GetProperty("key").GetString()!;

        var uploaderOnly = await Uploader.CreateAsync(server, "uploader_only", "public:upload public:write");
        await server.AdminAsync("", "projects", "add-member", "site-survey", "uploader_only");
        var outsider = await Uploader.CreateAsync(server, "outsider", "public:upload public:write");
        string[] reads =
        [
            "/v2/search/im?project=site-survey", $"/v2/im/{key}", $"/v2/im/{key}/geojson", $"/v2/im/{key}/b", $"/v2/im/{key}/cm",
            $"/v2/im/{key}/or", $"/v2/b/{key}", $"/v2/cm/{comment}", $"/v2/s/{sequence}", $"/v2/s/{sequence}/geojson",
            $"/v2/search/im/s/{sequence}", $"/v2/nav/im/{key}",
        ];
        foreach (var path in reads)
        {
            var message = await ContractAssert.Error(await uploaderOnly.SendAsync(HttpMethod.Get, path), "user_not_authenticated");
            Assert.Contains("private:read", message);
            if (!path.Contains("project="))
            {
                await ContractAssert.Error(await outsider.SendAsync(HttpMethod.Get, path), "not_found");
                await ContractAssert.Error(await stranger.SendAsync(HttpMethod.Get, path), "not_found");
            }
        }

        // A write names the write scope a private photo needs; a stranger's write finds nothing.
        var write = await ContractAssert.Error(
            await uploaderOnly.SendAsync(HttpMethod.Post, $"/v2/im/{key}/cm", JsonContent.Create(new { cm = "hello" })), "user_not_authenticated");
        Assert.Contains("private:write", write);
        await ContractAssert.Error(
            await outsider.SendAsync(HttpMethod.Post, $"/v2/im/{key}/cm", JsonContent.Create(new { cm = "hello" })), "not_found");

        await ContractAssert.Error(await uploaderOnly.SendAsync(HttpMethod.Get, $"/{key}/thumb-320.jpg"), "not_found");
        await writer.GetJsonAsync($"/v2/im/{key}");
    }

    [Fact]
    public async Task ProjectUploadNeedsPrivateUploadScope()
    {
        var publicOnly = await Uploader.CreateAsync(server, "public_only", "public:upload");
        await server.AdminAsync("", "projects", "add-member", "site-survey", "public_only");
        var message = await ContractAssert.Error(await publicOnly.PostAsync("p", Photo(), Query), "user_not_authenticated");
        Assert.Contains("private:upload", message);

        // And a private:upload token alone cannot upload public images.
        message = await ContractAssert.Error(await stranger.PostAsync("p", Photo()), "user_not_authenticated");
        Assert.Contains("public:upload", message);
    }

    [Fact]
    public async Task AReplayIsAcknowledgedOnlyForTheProjectItsPhotoIsIn()
    {
        // A public upload sent again with project=...: "ok" would tell the client a public photo is private.
        var photo = Photo(21);
        var key = await owner.UploadAsync("replayed", photo);
        var message = await ContractAssert.Error(await owner.PostAsync("replayed", photo, Query), "parameter_invalid");
        Assert.Contains("project", message);
        await ContractAssert.Error(await owner.PostAsync("replayed", photo, "&project=no-such-project"), "not_found");
        Assert.Equal(key, await owner.UploadAsync("replayed", photo)); // the same request again is still the same upload
        // An importer resuming into the project asks whether the upload is there, in the project: it is not.
        await ContractAssert.Error(await owner.SendAsync(HttpMethod.Get, "/v2/me/uploads/images/replayed?project=site-survey"), "parameter_invalid");
        Assert.Equal(key, (await owner.GetJsonAsync("/v2/me/uploads/images/replayed")).GetProperty("image_key").GetString());

        // And the other way: a project upload replayed without the project is not acknowledged as a public one.
        var secret = Photo(22);
        var privateKey = await owner.UploadAsync("replayed-private", secret, Query);
        await ContractAssert.Error(await owner.PostAsync("replayed-private", secret), "parameter_invalid");
        Assert.Equal(privateKey, await owner.UploadAsync("replayed-private", secret, Query));
        Assert.Equal(privateKey, (await owner.GetJsonAsync("/v2/me/uploads/images/replayed-private?project=site-survey")).GetProperty("image_key").GetString());
    }

    [Fact]
    public async Task UploadToAProjectOfWhichOneIsNotAMemberIsNotFound()
    {
        var message = await ContractAssert.Error(await stranger.PostAsync("p", Photo(), Query), "not_found");
        Assert.Contains("site-survey", message);
        await ContractAssert.Error(await owner.PostAsync("p", Photo(), "&project=no-such-project"), "not_found");
        await ContractAssert.Error(await owner.PostAsync("p", Photo(), "&project=bad.key"), "parameter_invalid");
    }

    [Fact]
    public async Task PrivateImagesKeepToTheirOwnSequencesAndOutOfPublicCounts()
    {
        var inProject = await owner.UploadProcessedAsync("private-3", Photo(1), Query);
        var inPublic = await owner.UploadProcessedAsync("public-3", Photo(2));
        Assert.NotEqual(inProject.GetProperty("sequence_key").GetString(), inPublic.GetProperty("sequence_key").GetString());

        var status = await owner.GetJsonAsync("/v2/status");
        Assert.Equal(1, status.GetProperty("images").GetInt64());
        Assert.Equal(1, status.GetProperty("sequences").GetInt64());
        Assert.Equal(1, (await owner.GetJsonAsync("/v2/u/owner")).GetProperty("images_all").GetInt64());
    }

    [Fact]
    public async Task ProjectCommandsRefuseDuplicatesAndUnknownUsers()
    {
        var duplicate = await TestServer.RunCliAsync("", "projects", "add", "--key", "site-survey", "--name", "x", "--owner", "owner", "--data", server.DataDirectory);
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("taken", duplicate.Error);
        var nobody = await TestServer.RunCliAsync("", "projects", "add-member", "site-survey", "nobody", "--data", server.DataDirectory);
        Assert.NotEqual(0, nobody.ExitCode);
        Assert.Contains("nobody", nobody.Error);
    }
}
