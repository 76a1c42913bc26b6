using System.Diagnostics;
using System.Net.Sockets;

namespace Sightline.Tests.Imagery;

/// <summary>
/// <c>sightline serve</c> runs on one glibc malloc arena, so the memory release after a burst of photos reaches the whole
/// native heap (issue 14): started without <c>MALLOC_ARENA_MAX</c>, the real server process executes itself again with
/// <c>MALLOC_ARENA_MAX=1</c>, keeps serving, and keeps its diagnostics socket (dotnet-counters); an operator's own value
/// is left alone. Linux only, like the restart.
/// </summary>
public sealed class MallocArenaTests
{
    [Fact]
    public async Task TheServerRestartsItselfOnOneArenaAndStillServesAndAnswersDiagnostics()
    {
        var (process, address, data) = StartServerProcess(arenas: null);
        try
        {
            Assert.Contains("MALLOC_ARENA_MAX=1", EnvironmentOf(process));
            using var http = new HttpClient { BaseAddress = address };
            using var response = await http.GetAsync("/v2/status");
            Assert.True((int)response.StatusCode < 500, $"status answered {(int)response.StatusCode}");

            // The runtime of the first start left no socket file behind that keeps the second from listening.
            var socketPath = Assert.Single(Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{process.Id}-*-socket"));
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
            Assert.True(socket.Connected);
        }
        finally
        {
            Stop(process, data);
        }
    }

    [Fact]
    public void AnOperatorsArenaLimitIsLeftAlone()
    {
        var (process, _, data) = StartServerProcess(arenas: "4");
        try
        {
            var environment = EnvironmentOf(process);
            Assert.Contains("MALLOC_ARENA_MAX=4", environment);
            Assert.DoesNotContain("MALLOC_ARENA_MAX=1", environment);
        }
        finally
        {
            Stop(process, data);
        }
    }

    // The process's environment as execve(2) gave it: after the restart, the second one's.
    private static string[] EnvironmentOf(Process process) =>
        File.ReadAllText($"/proc/{process.Id}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private static void Stop(Process process, string data)
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
        Directory.Delete(data, recursive: true);
    }

    // The real server binary, built next to the tests, in a process of its own.
    private static (Process Process, Uri Address, string Data) StartServerProcess(string? arenas)
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sightline.dll"), "serve", "--data", data, "--urls", "http://127.0.0.1:0" })
            start.ArgumentList.Add(arg);
        start.Environment.Remove("MALLOC_ARENA_MAX");
        if (arenas is not null)
            start.Environment["MALLOC_ARENA_MAX"] = arenas;
        start.Environment["Blurs__DetectFaces"] = "false";
        start.Environment["Blurs__DetectPlates"] = "false";
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        const string marker = "Sightline listening on ";
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                return (process, new Uri(line[marker.Length..].Trim()), data);
            }
        }
        throw new InvalidOperationException("the server process ended before it listened");
    }
}
