using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sightline.Tests.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> (Debian's package) on a free loopback port, without persistence, for the tests. One is
/// shared by the test process (<see cref="SharedAsync"/>); a test that kills and restarts Redis starts its own.
/// </summary>
public sealed class RedisPeer : IAsyncDisposable
{
    private static readonly Lazy<Task<RedisPeer>> Shared = new(async () =>
    {
        var peer = await StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => peer.Stop();
        return peer;
    });

    private Process? process;
    private int serverId;

    private RedisPeer(int port) => Port = port;

    public int Port { get; }

    /// <summary>The value of <c>Storage:Redis</c> that reaches this peer.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static Task<RedisPeer> SharedAsync() => Shared.Value;

    public static async Task<RedisPeer> StartAsync()
    {
        var peer = new RedisPeer(FreePort());
        await peer.RestartAsync();
        return peer;
    }

    /// <summary>Starts the server again on the same port (empty: nothing is saved) after <see cref="Stop"/>.</summary>
    public async Task RestartAsync()
    {
        // Under a small shell that stops the server when the test process is gone: the test host does not always run
        // ProcessExit handlers, and a leftover redis-server would hold a port on a shared machine.
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            $"redis-server --port {Port} --bind 127.0.0.1 --save '' --appendonly no --daemonize no >/dev/null & server=$!; echo $server; " +
            $"while kill -0 {Environment.ProcessId} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; kill -9 $server 2>/dev/null");
        process = Process.Start(start) ?? throw new InvalidOperationException("could not start redis-server (apt-get install redis-server)");
        serverId = int.Parse(await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("redis-server did not start"));
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        // A guard against a server that never comes up, not an assertion about speed.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode} (is it installed? apt-get install redis-server)");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the server (SIGKILL: a crash, not a shutdown).</summary>
    public void Stop()
    {
        if (process is null)
            return;
        // The server itself first (by its id: killing the shell's process tree left it running at times), then its shell.
        try
        {
            using var server = Process.GetProcessById(serverId);
            server.Kill();
            server.WaitForExit();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        catch (InvalidOperationException) { }
        process.Dispose();
        process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    /// <summary>A loopback port nothing listens on at the moment.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
