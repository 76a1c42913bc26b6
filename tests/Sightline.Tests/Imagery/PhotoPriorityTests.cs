using System.Net;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>
/// Photos are decoded and resized on dedicated threads at a lower priority (Processing:Nice), not on the thread pool
/// that serves requests (issue 13). The other tests run with Processing:Nice=0 so that a loaded machine does not
/// starve their processing.
/// </summary>
public sealed class PhotoPriorityTests : IAsyncLifetime
{
    private TestServer server = null!;
    private Uploader uploader = null!;

    private static readonly PhotoSpec Photo = new()
    {
        Width = 1200, Height = 800, Lat = 51.05412, Lon = 3.72176, Ca = 10, Taken = new DateTime(2024, 3, 1, 12, 0, 0),
    };

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Processing:Nice"] = "10" });
        uploader = await Uploader.CreateAsync(server, "photographer");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task PhotosAreMadeOnLowerPriorityThreads()
    {
        var key = (await uploader.UploadProcessedAsync("first", Photos.Jpeg(Photo))).GetProperty("key").GetString()!;
        await uploader.UploadProcessedAsync("second", Photos.Jpeg(Photo with { Ca = 20 }));
        using var thumbnail = await server.Http.GetAsync($"/{key}/thumb-640.jpg");
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        if (!OperatingSystem.IsLinux())
            return;

        // Relative to the process (the test run may itself run under nice(1)). Servers of other test classes in this
        // process keep their photo threads at the process's value; this one's are 10 lower.
        var process = ProcessNice();
        var photoThreads = Threads().Where(t => t.Name == "sightline-photo").ToList();
        Assert.Contains(photoThreads, t => t.Nice == Math.Min(19, process + 10));
        // The threads that answered the requests above (the thread pool's) kept their priority.
        Assert.All(Threads().Where(t => t.Name.StartsWith(".NET TP Worker", StringComparison.Ordinal)), t => Assert.Equal(process, t.Nice));
    }

    private static int ProcessNice()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
    }

    // Name and nice value of each thread of this process (/proc/self/task/*/stat: the nice value is the 19th field,
    // the 17th after the parenthesized name).
    private static IEnumerable<(string Name, int Nice)> Threads()
    {
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
            catch (IOException) { continue; }
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            yield return (stat[(open + 1)..close], int.Parse(fields[16]));
        }
    }
}
