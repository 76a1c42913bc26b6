using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Sightline.Tests.Cli;

/// <summary>The real <c>sightline serve</c> process: first start, demo client, restart, graceful SIGTERM.</summary>
public sealed partial class ServeProcessTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-serve", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private const int SigTerm = 15;

    [Fact]
    public async Task FirstStartCreatesTheFolderAndADemoClientThatWorksAndSigtermStopsGracefully()
    {
        var (process, address, clientId) = await StartAsync();
        using (process)
        {
            Assert.True(File.Exists(Path.Combine(data, "sightline.db")));
            using var http = new HttpClient();
            var response = await http.GetAsync($"{address}/v2/status?client_id={clientId}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            Assert.Equal(0, Kill(process.Id, SigTerm));
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "the server did not stop after SIGTERM");
            Assert.Equal(0, process.ExitCode);
        }

        // A restart on the same folder keeps the same demo application.
        var (again, _, sameClientId) = await StartAsync();
        using (again)
        {
            Assert.Equal(clientId, sameClientId);
            Kill(again.Id, SigTerm);
            Assert.True(again.WaitForExit(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task JsonLoggingWritesEveryLineTheBannerIncludedAsJsonWithAnIsoUtcTimestamp()
    {
        var lines = new List<string>();
        var (process, _, clientId) = await StartAsync(json: true, lines);
        using (process)
        {
            Kill(process.Id, SigTerm);
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));
        }
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var entry = System.Text.Json.JsonDocument.Parse(line); // every line, not only the framework's
            var timestamp = entry.RootElement.GetProperty("Timestamp").GetString()!;
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", timestamp);
        }
        Assert.Contains(lines, line => line.Contains($"demo client_id: {clientId}"));
    }

    private async Task<(Process Process, string Address, string ClientId)> StartAsync(bool json = false, List<string>? lines = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "sightline.dll"), "serve", "--data", data, "--urls", "http://127.0.0.1:0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (json)
            start.Environment["Logging__Format"] = "json";
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        string? address = null;
        string? clientId = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (clientId is null)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("sightline serve exited before it was ready");
            lines?.Add(line);
            if (json && line.StartsWith('{'))
                line = System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("Message").GetString()!;
            if (ListeningLine().Match(line) is { Success: true } listening)
                address = listening.Groups[1].Value;
            if (DemoLine().Match(line) is { Success: true } demo)
                clientId = demo.Groups[1].Value;
        }
        _ = process.StandardOutput.ReadToEndAsync();
        return (process, address ?? throw new InvalidOperationException("no listening address printed"), clientId);
    }

    [GeneratedRegex(@"^Sightline listening on (http://\S+)$")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^demo client_id: (\S+)$")]
    private static partial Regex DemoLine();
}
