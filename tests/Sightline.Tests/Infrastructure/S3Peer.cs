using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sightline.Tests.Infrastructure;

/// <summary>
/// An S3 protocol peer for the tests: npm's s3rver (tests/s3rver, installed from its lock file) on a free loopback
/// port, started once per test process and stopped when it exits. Each server gets its own prefix in one bucket.
/// </summary>
public sealed class S3Peer
{
    public const string Bucket = "sightline";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly Lazy<Task<S3Peer>> Shared = new(StartAsync);

    private S3Peer(Uri serviceUrl, string directory)
    {
        ServiceUrl = serviceUrl;
        Directory = directory;
    }

    public Uri ServiceUrl { get; }

    /// <summary>Where s3rver keeps the objects (one folder per bucket).</summary>
    public string Directory { get; }

    public static Task<S3Peer> GetAsync() => Shared.Value;

    /// <summary>The configuration that puts a server's objects under a fresh prefix of the peer's bucket.</summary>
    public Dictionary<string, string?> Configuration(string prefix) => new()
    {
        ["Storage:Blobs"] = $"s3://{Bucket}/{prefix}",
        ["Storage:S3:ServiceUrl"] = ServiceUrl.AbsoluteUri,
        ["Storage:S3:AccessKey"] = AccessKey,
        ["Storage:S3:SecretKey"] = SecretKey,
    };

    private static async Task<S3Peer> StartAsync()
    {
        var project = PeerProject();
        if (!System.IO.Directory.Exists(Path.Combine(project, "node_modules", "s3rver")))
        {
            using var install = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"])
            {
                WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var output = install.StandardOutput.ReadToEndAsync();
            var error = install.StandardError.ReadToEndAsync();
            await install.WaitForExitAsync();
            if (install.ExitCode != 0)
                throw new InvalidOperationException($"npm ci in {project} failed:\n{await output}{await error}");
        }

        var directory = Path.Combine(Path.GetTempPath(), "sightline-tests", "s3rver-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var port = FreePort();
        var start = new ProcessStartInfo("node",
            [Path.Combine(project, "node_modules", "s3rver", "bin", "s3rver.js"), "-d", directory, "-a", "127.0.0.1", "-p", port.ToString(),
             "--silent", "--configure-bucket", Bucket])
        {
            WorkingDirectory = project, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start s3rver");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            try { System.IO.Directory.Delete(directory, recursive: true); } catch (IOException) { }
        };

        // A guard against a peer that never comes up, not an assertion about speed.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"s3rver exited with {process.ExitCode}");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        return new S3Peer(new Uri($"http://127.0.0.1:{port}/"), directory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string PeerProject()
    {
        if (Environment.GetEnvironmentVariable("SIGHTLINE_S3RVER_PROJECT") is { Length: > 0 } configured)
            return configured;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "s3rver");
            if (File.Exists(Path.Combine(candidate, "package.json")))
                return candidate;
        }
        throw new InvalidOperationException("tests/s3rver not found above " + AppContext.BaseDirectory);
    }
}
