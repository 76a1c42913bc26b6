using System.Net;
using System.Net.Sockets;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Operations;

/// <summary><c>sightline serve</c> that cannot start says why in one line and exits non-zero (issue 13).</summary>
public sealed class StartupProblemTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-tests", "startup-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => TestServer.DeleteData(data);

    [Fact]
    public async Task APortInUseIsOneLineAndANonZeroExit()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var (exit, _, error) = await TestServer.RunCliAsync("", "serve", "--data", data, "--urls", $"http://127.0.0.1:{port}");
        Assert.NotEqual(0, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("already in use", line);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public async Task ADataFolderThatCannotBeCreatedIsOneLineAndANonZeroExit()
    {
        Directory.CreateDirectory(data);
        var file = Path.Combine(data, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");
        var (exit, _, error) = await TestServer.RunCliAsync("", "serve", "--data", Path.Combine(file, "data"), "--urls", "http://127.0.0.1:0");
        Assert.NotEqual(0, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("data folder", line);
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("notaurl", "not a URL")]
    [InlineData("ftp://127.0.0.1:5080", "scheme must be http or https")]
    [InlineData("http://127.0.0.1:99999", "port must be between 0 and 65535")]
    [InlineData("http://192.0.2.1:5080", "not one of this machine's")] // TEST-NET-1: never a local address
    [InlineData("https://127.0.0.1:0", "needs a server certificate")]
    public async Task AUrlThatCannotBeListenedOnIsOneLineNamingItAndANonZeroExit(string url, string reason)
    {
        // A guard, not a timing assertion: a server that did start (say, https on a machine with a development
        // certificate) fails the test instead of hanging it.
        var (exit, _, error) = await TestServer.RunCliAsync("", "serve", "--data", data, "--urls", url).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: cannot listen on {url}: ", line);
        Assert.Contains(reason, line);
        Assert.DoesNotContain("Exception", error);
    }
}
