using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary><c>sightline import</c> end to end against a real server: local checks, parallel upload, resume, GPX.</summary>
public sealed class ImportTests : IAsyncLifetime
{
    private TestServer server = null!;
    private string folder = null!;
    private string clientId = null!;
    private string token = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        (_, clientId, token) = await server.AddUserWithTokenAsync("importer", "public:upload");
        folder = Path.Combine(server.DataDirectory, "..", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "day1"));
        Directory.CreateDirectory(Path.Combine(folder, "day2"));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TestServer.DeleteData(folder);
    }

    private void Write(string relative, byte[] bytes) => File.WriteAllBytes(Path.Combine(folder, relative), bytes);

    private static byte[] Photo(int i, bool gps = true) => Photos.Jpeg(new PhotoSpec
    {
        Width = 200, Height = 150, Seed = i, Taken = new DateTime(2024, 8, 8, 8, 0, 0).AddSeconds(i * 3),
        Lat = gps ? 41.39 + i * 0.0001 : null, Lon = gps ? 2.17 : null,
    });

    private Task<(int ExitCode, string Output, string Error)> ImportAsync(params string[] extra) =>
        TestServer.RunCliAsync("", ["import", folder, "--server", server.BaseAddress.ToString(), "--client-id", clientId, "--token", token, "--jobs", "3", "--json", .. extra]);

    private static JsonElement Summary(string output) => JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;

    [Fact]
    public async Task ImportsGoodPhotosReportsSkippedOnesAndResumes()
    {
        for (var i = 0; i < 4; i++)
            Write($"day{1 + i % 2}/photo{i}.JPG", Photo(i));
        Write("day2/nogps.jpg", Photo(10, gps: false));
        Write("day1/broken.jpeg", "not a jpeg at all"u8.ToArray());
        Write("day1/notes.txt", "ignored"u8.ToArray());

        var first = await ImportAsync();
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var summary = Summary(first.Output);
        Assert.Equal(4, summary.GetProperty("uploaded").GetInt32());
        Assert.Equal(3, summary.GetProperty("skipped").GetInt32()); // notes.txt too: listed, not silently ignored
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.Contains("nogps.jpg: no GPS position", first.Output);
        Assert.Contains("broken.jpeg: not a readable JPEG", first.Output);
        Assert.Contains("notes.txt: not a JPEG (.txt)", first.Output);
        Assert.Contains("4/4", first.Error); // the progress bar reached the end

        // A rerun, with one new photo: only that one is sent.
        Write("day2/photo9.jpg", Photo(9));
        var second = await ImportAsync();
        Assert.Equal(0, second.ExitCode);
        summary = Summary(second.Output);
        Assert.Equal(1, summary.GetProperty("uploaded").GetInt32());
        Assert.Equal(4, summary.GetProperty("already_there").GetInt32());
    }

    [Fact]
    public async Task GpxTrackGeotagsPhotosWithoutGps()
    {
        Write("day1/untagged.jpg", Photo(2, gps: false)); // taken 08:00:06
        var gpx = Path.Combine(folder, "track.gpx");
        File.WriteAllText(gpx, """
            <?xml version="1.0"?>
            <gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
              <trk><trkseg>
                <trkpt lat="10.0" lon="20.0"><time>2024-08-08T08:00:00Z</time></trkpt>
                <trkpt lat="10.0012" lon="20.0024"><time>2024-08-08T08:00:12Z</time></trkpt>
              </trkseg></trk>
            </gpx>
            """);
        var result = await ImportAsync("--gpx", gpx);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Equal(1, Summary(result.Output).GetProperty("uploaded").GetInt32());

        var uploader = new Uploader(server, "importer", clientId, token);
        var status = await uploader.GetJsonAsync("/v2/me/uploads/status");
        Assert.Equal(1, status.GetProperty("received").GetInt64() + status.GetProperty("processing").GetInt64() + status.GetProperty("done").GetInt64());
        var uploadKey = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, "day1/untagged.jpg"))));
        var imageKey = (await uploader.GetJsonAsync($"/v2/me/uploads/images/{uploadKey}")).GetProperty("image_key").GetString()!;
        var image = await uploader.WaitUntilProcessedAsync(imageKey);
        Assert.Equal(10.0006, image.GetProperty("lat").GetDouble(), 6); // halfway in time, halfway in space
        Assert.Equal(20.0012, image.GetProperty("lon").GetDouble(), 6);
    }

    [Fact]
    public async Task AWrongTokenIsOneRefusalBeforeAnyPhotoAndANonZeroExit()
    {
        Write("day1/photo.jpg", Photo(1));
        token = "wrong-token-wrong-token-wrong-token-wrong-to";
        var result = await ImportAsync();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--token is not valid on this server", result.Output + result.Error);
        Assert.DoesNotContain("photo.jpg", result.Output + result.Error);
    }

    [Fact]
    public async Task WithAProjectThePreflightAsksForPrivateUploadNotPublicUpload()
    {
        Write("day1/photo.jpg", Photo(1));
        await server.AdminAsync("", "projects", "add", "--key", "site-survey", "--name", "Site survey", "--owner", "importer");

        // The importer's public:upload token cannot upload into the project: refused up front, in one line.
        var refused = await ImportAsync("--project", "site-survey");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("private:upload", refused.Error);
        Assert.Single(refused.Error.TrimEnd().Split('\n'));
        Assert.DoesNotContain("photo.jpg", refused.Output + refused.Error);

        // The token the help asks for (private:upload, no public:upload) passes the preflight and uploads.
        token = await server.IssueTokenAsync("importer", clientId, "private:upload");
        var imported = await ImportAsync("--project", "site-survey");
        Assert.True(imported.ExitCode == 0, imported.Output + imported.Error);
        Assert.Equal(1, Summary(imported.Output).GetProperty("uploaded").GetInt32());
    }
}
