using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sightline.Import;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>
/// <c>sightline import</c>: uploads in capture-time order per camera whatever the folder layout, the GPS-time fallback
/// and <c>--time-offset</c>, and the preflight that refuses a bad server, client or token with one message.
/// </summary>
public sealed partial class ImportOrderTests : IAsyncLifetime
{
    private TestServer server = null!;
    private string folder = null!;
    private string clientId = null!;
    private string token = null!;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        (_, clientId, token) = await server.AddUserWithTokenAsync("walker", "public:upload");
        folder = Path.Combine(server.DataDirectory, "..", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        TestServer.DeleteData(folder);
    }

    private void Write(string relative, PhotoSpec spec)
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Photos.Jpeg(spec));
    }

    private static PhotoSpec Step(int i, (string, string) camera, double lat) => new()
    {
        Width = 160, Height = 120, Seed = i, Camera = camera, Lat = lat + i * 0.00005, Lon = 2.17,
        Taken = new DateTime(2024, 8, 8, 8, 0, 0).AddSeconds(i * 2),
    };

    [Fact]
    public async Task UploadsInCaptureOrderPerCameraWhateverTheFolderLayout()
    {
        var front = ("Acme", "Walker 1");
        var back = ("Other", "Cam 2");
        // Folder and file names run against capture time, and the two cameras' photos are mixed in the folders.
        for (var i = 0; i < 6; i++)
        {
            Write($"{(i < 3 ? "z-late" : "a-early")}/{9 - i:D2}.jpg", Step(i, front, 41.39));
            Write($"{(i % 2 == 0 ? "a-early" : "z-late")}/back-{5 - i}.jpg", Step(i, back, 41.40) with { Seed = 100 + i });
        }

        var sent = new ConcurrentQueue<string>();
        using var http = new HttpClient(new Recorder(sent)) { BaseAddress = server.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var importer = new PhotoImporter(http, clientId, project: null, track: null, jobs: 1);
        var results = await importer.RunAsync(PhotoImporter.FindPhotos(folder), (_, _) => { }, CancellationToken.None);
        Assert.All(results, r => Assert.Equal(PhotoImporter.Outcome.Uploaded, r.Outcome));

        // Each upload carries its capture time: per camera, they must arrive in increasing time.
        var times = sent.Select(query => long.Parse(CapturedAt().Match(query).Groups[1].Value)).ToList();
        Assert.Equal(12, times.Count);
        var first = new DateTimeOffset(new DateTime(2024, 8, 8, 8, 0, 0, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        var expected = Enumerable.Range(0, 6).Select(i => first + i * 2000).ToList();
        Assert.Equal([.. expected, .. expected], times); // one camera's walk, then the other's
    }

    [Fact]
    public async Task GpsTimeStandsInForAMissingDateTimeOriginalAndTheOffsetShiftsBoth()
    {
        Write("exif.jpg", Step(0, ("Acme", "Walker 1"), 41.39)); // 08:00:00 in DateTimeOriginal
        Write("gps.jpg", new PhotoSpec { Width = 160, Height = 120, Seed = 7, Lat = 41.3901, Lon = 2.17, GpsTaken = new DateTime(2024, 8, 8, 8, 0, 4) });

        var run = await TestServer.RunCliAsync("", ["import", folder, "--server", server.BaseAddress.ToString(), "--client-id", clientId,
            "--token", token, "--time-offset", "-3600", "--json"]);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal(2, JsonDocument.Parse(run.Output.TrimEnd().Split('\n')[^1]).RootElement.GetProperty("uploaded").GetInt32());

        var deadline = DateTime.UtcNow.AddMinutes(1);
        JsonElement ims;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the photos were not processed");
            await Task.Delay(100);
            ims = JsonDocument.Parse(await server.Http.GetStringAsync($"/v2/search/im?client_id={clientId}&user=walker")).RootElement.GetProperty("ims");
        }
        while (ims.GetArrayLength() < 2);
        var hourEarlier = new DateTimeOffset(new DateTime(2024, 8, 8, 7, 0, 0, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
        Assert.Equal([hourEarlier, hourEarlier + 4000], ims.EnumerateArray().Select(i => i.GetProperty("captured_at").GetInt64()).Order());
    }

    [Fact]
    public async Task PreflightRefusesAWrongTokenADisabledClientAndADownServerWithOneMessage()
    {
        for (var i = 0; i < 3; i++)
            Write($"p{i}.jpg", Step(i, ("Acme", "Walker 1"), 41.39));

        var wrongToken = await ImportAsync(server.BaseAddress.ToString(), clientId, "not-a-token-of-this-server");
        Assert.NotEqual(0, wrongToken.ExitCode);
        Assert.Contains("--token is not valid", wrongToken.Output + wrongToken.Error);

        var (otherClient, _) = await server.AddClientAsync("other");
        var differ = await ImportAsync(server.BaseAddress.ToString(), otherClient, token);
        Assert.NotEqual(0, differ.ExitCode);
        Assert.Contains("another application", differ.Output + differ.Error);

        var readOnly = await server.IssueTokenAsync("walker", clientId, "user:read");
        var noScope = await ImportAsync(server.BaseAddress.ToString(), clientId, readOnly);
        Assert.NotEqual(0, noScope.ExitCode);
        Assert.Contains("lacks the upload scope", noScope.Output + noScope.Error);

        await server.AdminAsync("", "clients", "disable", clientId);
        var disabled = await ImportAsync(server.BaseAddress.ToString(), clientId, token);
        Assert.NotEqual(0, disabled.ExitCode);
        Assert.Contains("--client-id is not a registered, enabled application", disabled.Output + disabled.Error);

        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now
        var down = await ImportAsync($"http://127.0.0.1:{port}/", clientId, token);
        Assert.NotEqual(0, down.ExitCode);
        Assert.Contains("cannot reach the server", down.Output + down.Error);

        foreach (var run in new[] { wrongToken, differ, noScope, disabled, down })
            Assert.DoesNotContain("p1.jpg", run.Output + run.Error); // one message, not one per photo
    }

    private Task<(int ExitCode, string Output, string Error)> ImportAsync(string address, string client, string withToken) =>
        TestServer.RunCliAsync("", ["import", folder, "--server", address, "--client-id", client, "--token", withToken]);

    [GeneratedRegex("[?&]captured_at=([0-9]+)")]
    private static partial Regex CapturedAt();

    /// <summary>Notes the query of every upload POST on its way to the real server.</summary>
    private sealed class Recorder(ConcurrentQueue<string> sent) : DelegatingHandler(new HttpClientHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
                sent.Enqueue(request.RequestUri!.Query);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
