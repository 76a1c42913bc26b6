using Sightline.Client;
using Sightline.Client.Models;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Client;

/// <summary>
/// One real server per test class (an xunit class fixture) with an application, a photographer who can do everything a user
/// can, a stranger, and an administrator, each with an SDK client; photos go up through the SDK itself.
/// </summary>
public sealed class SdkWorld : IAsyncLifetime
{
    public const string WalkerScopes = "user:read user:email user:write public:upload private:upload public:write private:write private:read";
    public const string Project = "survey";
    // Only a safety net for a hung worker; tests never assert on time.
    private static readonly TimeSpan ProcessingTimeout = TimeSpan.FromSeconds(60);
    private int seed;
    private readonly Dictionary<string, Task<object>> once = [];

    public TestServer Server { get; private set; } = null!;
    public HttpClient Http { get; } = new();
    public string ClientId { get; private set; } = null!;
    public string WalkerToken { get; private set; } = null!;

    /// <summary>The photographer "walker", owner of project <see cref="Project"/>.</summary>
    public SightlineClient Walker { get; private set; } = null!;

    /// <summary>Another user, "stranger", with read and write scopes but no project.</summary>
    public SightlineClient Stranger { get; private set; } = null!;

    /// <summary>The administrator "moderator" with mapillary:admin.</summary>
    public SightlineClient Moderator { get; private set; } = null!;

    /// <summary>The application without a user.</summary>
    public SightlineClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        var (clientId, _) = await Server.AddClientAsync("sdk app");
        ClientId = clientId;
        Anonymous = NewClient();
        await Server.AddUserAsync("walker");
        WalkerToken = await Server.IssueTokenAsync("walker", clientId, WalkerScopes);
        Walker = Anonymous.WithAccessToken(WalkerToken);
        await Server.AddUserAsync("stranger");
        Stranger = Anonymous.WithAccessToken(await Server.IssueTokenAsync("stranger", clientId, "user:read public:write private:write private:read"));
        await Server.AdminAsync("pw\n", "users", "add", "--username", "moderator", "--email", "moderator@example.org", "--admin");
        Moderator = Anonymous.WithAccessToken(await Server.IssueTokenAsync("moderator", clientId, "mapillary:admin public:write user:read"));
        await Server.AdminAsync("", "projects", "add", "--key", Project, "--name", "Survey", "--owner", "walker");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    public SightlineClient NewClient(string? token = null, HttpClient? http = null) =>
        new(http ?? Http, new SightlineClientOptions
        {
            BaseAddress = Server.BaseAddress,
            ClientId = ClientId,
            AccessToken = token,
            BaseDelay = TimeSpan.FromMilliseconds(5),
        });

    /// <summary>
    /// Sets up data once per class: xunit runs a test class's own InitializeAsync before every test, so a walk uploaded
    /// there would be uploaded again (and joined to the first) for each test.
    /// </summary>
    public async Task<T> OnceAsync<T>(string name, Func<Task<T>> create) where T : class
    {
        Task<object> task;
        lock (once)
        {
            if (!once.TryGetValue(name, out task!))
                once[name] = task = Wrap(create);
        }
        return (T)await task;

        static async Task<object> Wrap(Func<Task<T>> create) => await create();
    }

    /// <summary>A real JPEG whose pixels differ from every other one made here.</summary>
    public byte[] Jpeg(int width = 320, int height = 240) => Photos.Jpeg(new PhotoSpec { Width = width, Height = height, Seed = Interlocked.Increment(ref seed) });

    /// <summary>Uploads a photo through the SDK at a given place and time and waits until it is processed; returns its summary.</summary>
    public async Task<ImageSummary> PhotoAsync(double lat, double lon, DateTimeOffset capturedAt, double ca = 90, string? project = null, SightlineClient? uploader = null)
    {
        uploader ??= Walker;
        using var jpeg = new MemoryStream(Jpeg());
        var accepted = await uploader.UploadImageAsync($"up-{Guid.NewGuid():N}", jpeg,
            new UploadImageOptions { Lat = lat, Lon = lon, Ca = ca, CapturedAt = capturedAt, Project = project });
        return await ProcessedAsync(accepted.ImageKey, uploader);
    }

    /// <summary>Polls the image through the SDK until processing is done (not found until then).</summary>
    public async Task<ImageSummary> ProcessedAsync(string imageKey, SightlineClient? viewer = null)
    {
        var deadline = DateTime.UtcNow + ProcessingTimeout;
        while (true)
        {
            try
            {
                return await (viewer ?? Walker).GetImageAsync(imageKey);
            }
            catch (SightlineApiException e) when (e.Code == SightlineErrorCode.NotFound && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>A walk of <paramref name="count"/> photos 2 s and about 5 m apart, heading north: one sequence.</summary>
    public async Task<List<ImageSummary>> WalkAsync(double lat, double lon, DateTimeOffset start, int count, string? project = null)
    {
        var photos = new List<ImageSummary>();
        for (var i = 0; i < count; i++)
            photos.Add(await PhotoAsync(lat + i * 0.00005, lon, start.AddSeconds(2 * i), ca: 10 * i, project: project));
        return photos;
    }
}
