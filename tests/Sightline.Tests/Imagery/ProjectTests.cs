using System.Net;
using System.Net.Http.Headers;
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
    public async Task AMemberWithoutPrivateReadDoesNotSeeIt()
    {
        var key = (await owner.UploadProcessedAsync("private-2", Photo(), Query)).GetProperty("key").GetString()!;
        var uploaderOnly = await Uploader.CreateAsync(server, "uploader_only", "public:upload");
        await server.AdminAsync("", "projects", "add-member", "site-survey", "uploader_only");
        await ContractAssert.Error(await uploaderOnly.SendAsync(HttpMethod.Get, $"/v2/im/{key}"), "not_found");
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
