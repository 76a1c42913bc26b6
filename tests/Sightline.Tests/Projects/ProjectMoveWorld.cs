using System.Net;
using System.Text.Json;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Sightline.Tests.Community;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Projects;

/// <summary>
/// One server for the project-move tests: an owner who uploads, a member of the owner's project "survey", a stranger who
/// owns a project of their own ("elsewhere"), and what each of them can see of a sequence through every read path.
/// </summary>
public sealed class ProjectMoveWorld : IAsyncLifetime
{
    public const string Survey = "survey";
    public const string Second = "second";
    public const string Elsewhere = "elsewhere";
    private const string AllScopes = "private:read private:write public:write org:read org:write user:read";

    private int sequences;

    public TestServer Server { get; private set; } = null!;
    public Uploader Uploader { get; private set; } = null!;
    /// <summary>The uploader, with the scopes to read privately and move.</summary>
    public Member Owner { get; private set; } = null!;
    public Member ProjectMember { get; private set; } = null!;
    public Member Stranger { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        Uploader = await Uploader.CreateAsync(Server, "owner", "public:upload private:upload private:read");
        Owner = new Member(Server, "owner", Uploader.ClientId, await Server.IssueTokenAsync("owner", Uploader.ClientId, AllScopes));
        ProjectMember = await Member.CreateAsync(Server, "member", AllScopes);
        Stranger = await Member.CreateAsync(Server, "stranger", AllScopes);
        await Server.AdminAsync("", "projects", "add", "--key", Survey, "--name", "Survey", "--owner", "owner");
        await Server.AdminAsync("", "projects", "add-member", Survey, "member");
        await Server.AdminAsync("", "projects", "add", "--key", Second, "--name", "Second survey", "--owner", "owner");
        await Server.AdminAsync("", "projects", "add", "--key", Elsewhere, "--name", "Elsewhere", "--owner", "stranger");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public sealed record Uploaded(string Sequence, IReadOnlyList<string> Images, double Lat, double Lon);

    /// <summary>A new sequence of two processed photos of the owner (a day apart from every other one), public or in a project.</summary>
    public async Task<Uploaded> SequenceAsync(string? project = null)
    {
        var n = Interlocked.Increment(ref sequences);
        var (lat, lon) = (50.80 + n * 0.01, 4.30 + n * 0.01);
        var query = project is null ? "" : $"&project={project}";
        var images = new List<string>();
        string? sequence = null;
        for (var i = 0; i < 2; i++)
        {
            var photo = Photos.Jpeg(new PhotoSpec
            {
                Width = 160, Height = 120, Lat = lat + i * 0.0001, Lon = lon, Ca = 90,
                Taken = new DateTime(2024, 3, 1, 10, 0, 0).AddDays(n).AddSeconds(i * 2), Seed = n * 10 + i,
            });
            var image = await Uploader.UploadProcessedAsync($"move-{n}-{i}", photo, query);
            images.Add(image.GetProperty("key").GetString()!);
            var key = image.GetProperty("sequence_key").GetString()!;
            Assert.True(sequence is null || sequence == key, "the two photos should make one sequence");
            sequence = key;
        }
        return new Uploaded(sequence!, images, lat, lon);
    }

    public static Task<HttpResponseMessage> MoveAsync(Member who, string sequence, string json) =>
        who.SendJsonAsync(HttpMethod.Put, $"/v2/s/{sequence}/project", json);

    /// <summary>What <paramref name="who"/> (null: anonymous, with the owner's client_id) finds of the sequence on each read path.</summary>
    public async Task<Sight> SeenByAsync(Member? who, Uploaded sequence, string? project = null)
    {
        var reader = who ?? Owner.Anonymous();
        var filter = project is null ? "user=owner" : $"project={project}";
        return new Sight(
            Sequence: await FoundAsync(reader, $"/v2/s/{sequence.Sequence}"),
            Image: await FoundAsync(reader, $"/v2/im/{sequence.Images[0]}"),
            ImageSearch: (await reader.GetJsonAsync($"/v2/search/im?{filter}&limit=1000")).GetProperty("ims").EnumerateArray()
                .Count(i => sequence.Images.Contains(i.GetProperty("key").GetString())),
            SequenceSearch: (await reader.GetJsonAsync($"/v2/search/s?{filter}&limit=1000")).GetProperty("ss").EnumerateArray()
                .Any(s => s.GetProperty("key").GetString() == sequence.Sequence),
            Tile: who is null && await InTileAsync(sequence),
            StacCollection: await FoundAsync(reader, $"/api/collections/{sequence.Sequence}"),
            StacSearch: (await reader.GetJsonAsync($"/api/search?ids={string.Join(',', sequence.Images)}")).GetProperty("features").GetArrayLength());
    }

    /// <summary>What a reader found: the sequence and image by key, how many of its images searches list, and so on.</summary>
    public sealed record Sight(bool Sequence, bool Image, int ImageSearch, bool SequenceSearch, bool Tile, bool StacCollection, int StacSearch)
    {
        public static readonly Sight Everything = new(true, true, 2, true, true, true, 2);
        public static readonly Sight EverythingButPublicTiles = Everything with { Tile = false };
        public static readonly Sight Nothing = new(false, false, 0, false, false, false, 0);
    }

    private static async Task<bool> FoundAsync(Member reader, string path)
    {
        using var response = await reader.SendAsync(HttpMethod.Get, path);
        if (response.StatusCode == HttpStatusCode.OK)
            return true;
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            // STAC's error body adds a description to the catalogue's code and message.
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("not_found", Json(await response.Content.ReadAsStringAsync()).GetProperty("code").GetString());
        }
        else
        {
            await ContractAssert.Error(response, "not_found");
        }
        return false;
    }

    // The vector tile (no client_id, no token, as on a CDN) over the sequence's first photo, decoded by a standard reader.
    private async Task<bool> InTileAsync(Uploaded sequence)
    {
        const int zoom = 14;
        var n = Math.Pow(2, zoom);
        var rad = sequence.Lat * Math.PI / 180;
        var (x, y) = ((int)((sequence.Lon + 180) / 360 * n), (int)((1 - Math.Asinh(Math.Tan(rad)) / Math.PI) / 2 * n));
        using var response = await Server.Http.GetAsync($"/tiles/{zoom}/{x}/{y}.mapbox");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var stream = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var layers = new MapboxTileReader().Read(stream, new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, zoom)).Layers;
        return layers.SelectMany(l => l.Features).Any(f => f.Attributes.Exists("key") && (f.Attributes["key"] as string) == sequence.Sequence);
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
