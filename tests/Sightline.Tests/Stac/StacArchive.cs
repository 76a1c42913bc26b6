using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Demo;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Stac;

/// <summary>
/// One server for every /api test: the demo streets (four public sequences), a private project with two photos near
/// them, and a public photo hidden by an upheld complaint. Loaded once; the tests only read, except the reports test.
/// </summary>
public sealed class StacArchive : IAsyncLifetime
{
    public const int PhotosPerStreet = 8;
    public const int DemoPhotos = 4 * PhotosPerStreet;

    public TestServer Server { get; private set; } = null!;
    public Uri Api => new(Server.BaseAddress, "api");
    public string ClientId { get; private set; } = "";
    /// <summary>A project member with private:read.</summary>
    public string MemberToken { get; private set; } = "";
    /// <summary>A user outside the project with private:read.</summary>
    public string StrangerToken { get; private set; } = "";
    public string AdminToken { get; private set; } = "";
    public IReadOnlyList<string> PrivateKeys { get; private set; } = [];
    /// <summary>The files uploaded as the private photos (with a camera and lens in their EXIF), in the order of <see cref="PrivateKeys"/>.</summary>
    public IReadOnlyList<byte[]> PrivateFiles { get; private set; } = [];
    /// <summary>The private photos' uploader, with private:read.</summary>
    public string OwnerToken { get; private set; } = "";
    public string PrivateSequence { get; private set; } = "";
    public string HiddenKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        (ClientId, _) = await Server.AddClientAsync("stac tests");
        var uploaded = await DemoImagery.LoadAsync(Server.Services, ClientId, Server.BaseAddress, TextWriter.Null,
            CancellationToken.None, photosPerStreet: PhotosPerStreet);
        Assert.Equal(DemoPhotos, uploaded);

        // Private photos on the Graslei, taken the day after the demo walk.
        var owner = await Uploader.CreateAsync(Server, "surveyor", "private:upload private:read");
        await Server.AdminAsync("", "projects", "add", "--key", "survey", "--name", "Survey", "--owner", "surveyor");
        await Server.AddUserAsync("member");
        await Server.AdminAsync("", "projects", "add-member", "survey", "member");
        MemberToken = await Server.IssueTokenAsync("member", ClientId, "private:read");
        await Server.AddUserAsync("stranger");
        StrangerToken = await Server.IssueTokenAsync("stranger", ClientId, "private:read");
        OwnerToken = await Server.IssueTokenAsync("surveyor", ClientId, "private:read");
        var keys = new List<string>();
        var files = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            var photo = Photos.Jpeg(new PhotoSpec
            {
                Lat = 51.0557 + i * 0.00005, Lon = 3.7207, Ca = 90, Taken = new DateTime(2024, 5, 5, 12, 0, i * 2, DateTimeKind.Utc), Seed = i,
                Camera = ("Ricoh", "THETA X"), Lens = ("137/100", 8),
            });
            var image = await owner.UploadProcessedAsync($"private-{i}", photo, "&project=survey");
            keys.Add(image.GetProperty("key").GetString()!);
            files.Add(photo);
            PrivateSequence = image.GetProperty("sequence_key").GetString()!;
        }
        PrivateKeys = keys;
        PrivateFiles = files;

        // A public photo on the Korenmarkt, hidden by an upheld complaint.
        var hider = await Uploader.CreateAsync(Server, "hider");
        var hidden = await hider.UploadProcessedAsync("hidden", Photos.Jpeg(new PhotoSpec
        {
            Lat = 51.0542, Lon = 3.7218, Ca = 10, Taken = new DateTime(2024, 5, 6, 8, 0, 0, DateTimeKind.Utc), Seed = 7,
        }));
        HiddenKey = hidden.GetProperty("key").GetString()!;
        await Server.AdminAsync("correct horse battery staple\n", "users", "add", "--username", "moderator", "--email", "moderator@example.org", "--admin");
        AdminToken = await Server.IssueTokenAsync("moderator", ClientId, "mapillary:admin");
        using (var complaint = await SendAsync(HttpMethod.Post, $"/v2/im/{HiddenKey}/complain?client_id={ClientId}", "{\"cm\":\"a face\"}"))
            Assert.Equal(HttpStatusCode.OK, complaint.StatusCode);
        var queue = await GetJsonAsync($"/v2/complaints?client_id={ClientId}", AdminToken);
        var complaintKey = queue.GetProperty("complaints").EnumerateArray().Single(c => c.GetProperty("mkey").GetString() == HiddenKey).GetProperty("key").GetString()!;
        await Server.AdminAsync("", "complaints", "resolve", complaintKey, "--decision", "uphold", "--by", "moderator");

        // Every demo photo processed (the demo uploads return before their thumbnails are made).
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while ((await GetJsonAsync($"/v2/search/im?client_id={ClientId}&limit=1000")).GetProperty("ims").GetArrayLength() < DemoPhotos)
        {
            Assert.True(DateTime.UtcNow < deadline, "the demo photos were not processed");
            await Task.Delay(100);
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Server.Http.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path, string? token = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, token: token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> PostJsonAsync(string path, string json, string? token = null)
    {
        using var response = await SendAsync(HttpMethod.Post, path, json, token);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class StacArchiveCollection : ICollectionFixture<StacArchive>
{
    public const string Name = "STAC archive";
}
