using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>
/// Kills a real server process with SIGKILL in the middle of a stream of uploads, restarts it over the same
/// data folder, and checks that every acknowledged upload is served and nothing half-made is visible. The process, the
/// admin commands and the restarted server share the backend the test run selects (PostgreSQL, S3), as an installation's do.
/// </summary>
public sealed class CrashTests
{
    private const int AcknowledgedBeforeKill = 12;

    [Fact]
    public async Task EveryAcknowledgedUploadSurvivesSigkill()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(data);
            var backend = await TestServer.BackendAsync(data);
            var (clientId, token) = await SetUpUserAsync(data, backend);
            var photos = Enumerable.Range(0, 60).Select(i => Photos.NoisyJpeg(new PhotoSpec
            {
                Width = 1200, Height = 900, Lat = 40 + i * 0.0001, Lon = -3.7, Taken = new DateTime(2024, 2, 2, 9, 0, 0).AddSeconds(i * 2),
            })).ToArray();
            var acknowledged = new ConcurrentDictionary<int, string>();

            using (var process = StartServerProcess(data, backend, out var address))
            using (var http = new HttpClient { BaseAddress = address })
            {
                using var enough = new CancellationTokenSource();
                var next = -1;
                async Task UploadLoop()
                {
                    int i;
                    while (!enough.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < photos.Length)
                    {
                        try
                        {
                            using var response = await http.SendAsync(Post(i, photos[i], clientId, token));
                            if (response.StatusCode == HttpStatusCode.OK)
                            {
                                var key = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("image_key").GetString()!;
                                acknowledged[i] = key;
                                if (acknowledged.Count >= AcknowledgedBeforeKill)
                                    enough.Cancel();
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                        {
                            return; // the server died under us: this upload was never acknowledged
                        }
                    }
                }
                var loops = Enumerable.Range(0, 3).Select(_ => Task.Run(UploadLoop)).ToArray();
                // Until enough are acknowledged (or, if the server broke, until the loops give up).
                await Task.WhenAny(Task.WhenAll(loops), Task.Delay(Timeout.Infinite, enough.Token));
                process.Kill(entireProcessTree: false); // SIGKILL while the other loops are mid-upload
                await process.WaitForExitAsync();
                await Task.WhenAll(loops);
            }
            Assert.True(acknowledged.Count >= AcknowledgedBeforeKill);

            await using var restarted = await TestServer.StartAsync(dataDirectory: data);
            var uploader = new Uploader(restarted, "survivor", clientId, token);
            foreach (var (index, imageKey) in acknowledged)
            {
                var image = await uploader.WaitUntilProcessedAsync(imageKey);
                Assert.Equal(40 + index * 0.0001, image.GetProperty("lat").GetDouble(), 6);
                foreach (var width in new[] { 320, 640, 1024, 2048 })
                    Assert.Equal(HttpStatusCode.OK, (await restarted.Http.GetAsync($"/{imageKey}/thumb-{width}.jpg")).StatusCode);
                // A retry after the crash finds the acknowledged upload.
                Assert.Equal(imageKey, await uploader.UploadAsync($"photo-{index}", photos[index]));
            }

            // Whatever else was committed gets processed too; nothing is left stuck or broken.
            var deadline = DateTime.UtcNow.AddSeconds(120);
            JsonElement status;
            while ((status = await uploader.GetJsonAsync("/v2/me/uploads/status")).GetProperty("received").GetInt64()
                   + status.GetProperty("processing").GetInt64() > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "uploads stayed unprocessed after the restart");
                await Task.Delay(50);
            }
            Assert.Equal(0, status.GetProperty("failed").GetInt64());
            Assert.True(status.GetProperty("done").GetInt64() >= acknowledged.Count);
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(data, "tmp")));
        }
        finally
        {
            await TestServer.DeleteDataAndBackendAsync(data);
        }
    }

    private static HttpRequestMessage Post(int index, byte[] photo, string clientId, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/me/uploads/images/photo-{index}?client_id={clientId}")
        {
            Content = new ByteArrayContent(photo),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<(string ClientId, string Token)> SetUpUserAsync(string data, IReadOnlyDictionary<string, string?> backend)
    {
        // An installation, as the first 'sightline serve' leaves it: admin commands refuse a folder without one.
        Sightline.Storage.StorageServices.Open(data, new ConfigurationBuilder().AddInMemoryCollection(backend).Build()).Dispose();
        async Task<JsonElement> Admin(string stdin, params string[] args)
        {
            var (exit, output, error) = await TestServer.RunCliAsync(stdin, [.. args, "--data", data, "--json"]);
            Assert.True(exit == 0, error);
            return JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement.Clone();
        }
        await Admin("a long enough password\n", "users", "add", "--username", "survivor", "--email", "survivor@example.org");
        var clientId = (await Admin("", "clients", "add", "--name", "crash", "--redirect-uri", "https://app.example.org/cb"))
            .GetProperty("client_id").GetString()!;
        var token = (await Admin("", "tokens", "issue", "--user", "survivor", "--client", clientId, "--scopes", "public:upload"))
            .GetProperty("token").GetString()!;
        return (clientId, token);
    }

    // The real server binary, built next to the tests, in its own process so SIGKILL hits only it.
    private static Process StartServerProcess(string data, IReadOnlyDictionary<string, string?> backend, out Uri address)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "sightline.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { server, "serve", "--data", data, "--urls", "http://127.0.0.1:0" })
            start.ArgumentList.Add(arg);
        // As an operator configures it (Storage__Database, Storage__Blobs...).
        foreach (var (name, value) in backend)
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        const string marker = "Sightline listening on ";
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                address = new Uri(line[marker.Length..].Trim());
                _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                return process;
            }
        }
        throw new InvalidOperationException("the server process ended before it listened");
    }
}
