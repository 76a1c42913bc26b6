using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Sightline.Tests.Infrastructure;

/// <summary>
/// The real <c>sightline serve</c> in its own process, configured through environment variables as an operator would
/// (<c>Storage__Database</c>, <c>Storage__Blobs</c>, <c>Storage__Redis</c>...): a node of a multi-node setup, which a
/// test can kill with SIGKILL. Several of them over one database, object store and Redis make the two-node harness.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningMarker = "Sightline listening on ";
    private const string ClientMarker = "demo client_id: ";

    private readonly Process process;
    private readonly bool ownsData;

    private ServerProcess(Process process, string dataDirectory, Uri baseAddress, string demoClientId, bool ownsData)
    {
        this.process = process;
        this.ownsData = ownsData;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        DemoClientId = demoClientId;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public string DataDirectory { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    /// <summary>The client_id of the demo application the server prints at start (the same on every node of one database).</summary>
    public string DemoClientId { get; }

    /// <summary>Starts a node over its own fresh data folder (or <paramref name="dataDirectory"/>) and waits until it listens.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string? dataDirectory = null)
    {
        var data = dataDirectory ?? NewDataDirectory();
        var process = Process.Start(StartInfo(data, environment)) ?? throw new InvalidOperationException("could not start sightline serve");
        var errors = process.StandardError.ReadToEndAsync();
        Uri? address = null;
        // A guard against a node that never comes up, not an assertion about speed.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await process.StandardOutput.ReadLineAsync(guard.Token) is { } line)
        {
            if (line.StartsWith(ListeningMarker, StringComparison.Ordinal))
                address ??= new Uri(line[ListeningMarker.Length..].Trim());
            else if (line.StartsWith(ClientMarker, StringComparison.Ordinal) && address is not null)
            {
                _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                return new ServerProcess(process, data, address, line[ClientMarker.Length..].Trim(), ownsData: dataDirectory is null);
            }
        }
        await process.WaitForExitAsync();
        throw new InvalidOperationException($"sightline serve ended with {process.ExitCode} before it listened: {await errors}");
    }

    /// <summary>Runs <c>sightline serve</c> that is expected not to start: its exit code and what it wrote to stderr.</summary>
    public static async Task<(int ExitCode, string Error)> RunToExitAsync(IReadOnlyDictionary<string, string> environment)
    {
        var data = NewDataDirectory();
        try
        {
            using var process = Process.Start(StartInfo(data, environment)) ?? throw new InvalidOperationException("could not start sightline serve");
            _ = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("sightline serve kept running");
            }
            return (process.ExitCode, await error);
        }
        finally
        {
            TestServer.DeleteData(data);
        }
    }

    /// <summary>
    /// Runs an administrative command (<c>sightline users add ...</c>) as its own process with the nodes' environment, so
    /// it reaches the same backends they do; returns its exit code, stdout and stderr.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunCommandAsync(
        IReadOnlyDictionary<string, string> environment, string stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sightline.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start sightline");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>SIGKILL: the node dies at once, mid-request, as in a crash.</summary>
    public void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException) { }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGTERM: the node stops as a service manager stops it (it saves its search snapshot on the way out).</summary>
    public async Task StopAsync()
    {
        if (process.HasExited)
            return;
        Assert.Equal(0, SendSignal(process.Id, 15));
        // A guard against a node that hangs on its way out, not an assertion about speed.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(guard.Token);
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        Kill();
        process.Dispose();
        if (ownsData)
            TestServer.DeleteData(DataDirectory);
        return ValueTask.CompletedTask;
    }

    private static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "sightline-tests", "node-" + Guid.NewGuid().ToString("N"));

    private static ProcessStartInfo StartInfo(string data, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "sightline.dll"), "serve", "--data", data, "--urls", "http://127.0.0.1:0" })
            start.ArgumentList.Add(arg);
        // As in TestServer: detection at ingest only where a test asks for it.
        start.Environment["Blurs__DetectFaces"] = "false";
        start.Environment["Blurs__DetectPlates"] = "false";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        return start;
    }
}
