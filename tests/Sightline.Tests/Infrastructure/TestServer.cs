using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Sightline.Cli;
using Sightline.Hosting;

namespace Sightline.Tests.Infrastructure;

/// <summary>
/// A real Sightline server on Kestrel, on a free loopback port, over a fresh data folder.
/// Tests talk to it over real sockets and set it up with the real admin commands.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private bool ownsData;
    private IReadOnlyDictionary<string, string?>? configuration;

    private TestServer(WebApplication app, string dataDirectory, Uri baseAddress, CapturedLogs logs, bool ownsData)
    {
        this.ownsData = ownsData;
        this.app = app;
        DataDirectory = dataDirectory;
        BaseAddress = baseAddress;
        Logs = logs;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public string DataDirectory { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public CapturedLogs Logs { get; }

    /// <summary>The server's services: its stores, for tests that set up or inspect state the API does not reach.</summary>
    public IServiceProvider Services => app.Services;

    /// <summary>
    /// Starts a server over a fresh data folder, or over <paramref name="dataDirectory"/> (a restart), which
    /// the caller then owns and cleans up.
    /// </summary>
    /// <param name="configureApp">Maps extra test-only endpoints before the server starts.</param>
    public static async Task<TestServer> StartAsync(
        IReadOnlyDictionary<string, string?>? configuration = null, Action<WebApplication>? configureApp = null, string? dataDirectory = null)
    {
        var data = dataDirectory ?? Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var logs = new CapturedLogs();
        var backend = await BackendConfigurationAsync(data);
        var settings = WithTestDefaults(backend, configuration);
        // What admin commands against this data folder need: the storage settings the server runs with.
        Backends[Path.GetFullPath(data)] = settings.Where(s => s.Key.StartsWith("Storage:", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value);
        var app = SightlineServer.Build(
            new SightlineServer.Settings(data, "http://127.0.0.1:0", settings),
            logging => logging.ClearProviders().AddProvider(logs));
        configureApp?.Invoke(app);
        await app.StartAsync();
        var address = SightlineServer.ListeningAddresses(app).Single();
        return new TestServer(app, data, new Uri(address), logs, ownsData: dataDirectory is null) { configuration = configuration };
    }

    /// <summary>
    /// Stops this server and starts another over the same data folder with the same configuration (a restart, on
    /// another port); the new server owns the folder if this one did.
    /// </summary>
    public async Task<TestServer> RestartAsync()
    {
        var owned = ownsData;
        ownsData = false;
        await DisposeAsync();
        var restarted = await StartAsync(configuration, dataDirectory: DataDirectory);
        restarted.ownsData = owned;
        return restarted;
    }

    // Face and plate detection at ingest cost a good part of a second per photo: only the tests about them turn them on
    // (Blurs:DetectFaces=true, Blurs:DetectPlates=true); every other test uploads without them. Photo threads run at
    // normal priority (Processing:Nice=0): on a machine shared with other builds a lowered priority starves them, and
    // only PhotoPriorityTests is about it.
    private static Dictionary<string, string?> WithTestDefaults(
        IReadOnlyDictionary<string, string?> backend, IReadOnlyDictionary<string, string?>? configuration)
    {
        var merged = new Dictionary<string, string?>(backend) { ["Blurs:DetectFaces"] = "false", ["Blurs:DetectPlates"] = "false", ["Processing:Nice"] = "0" };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>())
            merged[key] = value;
        return merged;
    }

    /// <summary>
    /// The storage backends the test run asks for: the embedded default, or with <c>SIGHTLINE_TEST_BLOBS=s3</c> an S3
    /// peer (s3rver) under a prefix named after the data folder, so a restarted server finds its objects again.
    /// CI runs the storage-sensitive classes a second time that way.
    /// </summary>
    /// <remarks>
    /// With <c>SIGHTLINE_TEST_DB=postgres</c> the server's rows go to a database of its own on the cluster named by
    /// <c>SIGHTLINE_TEST_PG</c> (<see cref="PostgresPeer"/>); admin commands run against the data folder get the same
    /// settings (<see cref="RunCliAsync"/>).
    /// </remarks>
    private static async Task<IReadOnlyDictionary<string, string?>> BackendConfigurationAsync(string dataDirectory)
    {
        var key = Path.GetFullPath(dataDirectory);
        if (Provisioned.TryGetValue(key, out var known))
            return known;
        var settings = await SharedStateConfigurationAsync(dataDirectory);
        var blobs = Environment.GetEnvironmentVariable("SIGHTLINE_TEST_BLOBS");
        if (!string.IsNullOrEmpty(blobs))
        {
            if (blobs != "s3")
                throw new InvalidOperationException($"SIGHTLINE_TEST_BLOBS={blobs}: only s3 is known");
            foreach (var (name, value) in (await S3Peer.GetAsync()).Configuration(Path.GetFileName(dataDirectory.TrimEnd('/'))))
                settings[name] = value;
        }
        if (PostgresPeer.Selected)
            settings["Storage:Database"] = await PostgresPeer.EnsureDatabaseAsync(PostgresPeer.DatabaseName(dataDirectory));
        Provisioned[key] = settings;
        return settings;
    }

    /// <summary>
    /// With <c>SIGHTLINE_TEST_REDIS=1</c>, budgets and throttles in a shared redis-server, under a key prefix named after
    /// the data folder (each server its own buckets, as on its own installation; a restart finds them again).
    /// </summary>
    private static async Task<Dictionary<string, string?>> SharedStateConfigurationAsync(string dataDirectory)
    {
        var redis = Environment.GetEnvironmentVariable("SIGHTLINE_TEST_REDIS");
        if (string.IsNullOrEmpty(redis) || redis == "0")
            return new Dictionary<string, string?>();
        return new Dictionary<string, string?>
        {
            ["Storage:Redis"] = (await RedisPeer.SharedAsync()).Configuration,
            ["Storage:RedisKeyPrefix"] = $"sightline-test:{Path.GetFileName(dataDirectory.TrimEnd('/'))}:",
        };
    }

    // The backend each data folder was given by the test run (a database of its own), dropped with the folder.
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string?>> Provisioned = new();

    // The backend settings of every data folder a server was started on, for admin commands run against it.
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string?>> Backends = new();

    /// <summary>Runs an admin command against this server's data folder and returns its JSON result.</summary>
    public async Task<JsonElement> AdminAsync(string stdin, params string[] args)
    {
        var result = await RunCliAsync(stdin, [.. args, "--data", DataDirectory, "--json"]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"sightline {string.Join(' ', args)} failed: {result.Error}");
        return JsonDocument.Parse(result.Output.TrimEnd().Split('\n')[^1]).RootElement;
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var data = Array.IndexOf(args, "--data");
        if (data >= 0 && data + 1 < args.Length && Backends.TryGetValue(Path.GetFullPath(args[data + 1]), out var backend))
            Sightline.Storage.StorageServices.CommandSettings.Value = backend;
        var exit = await SightlineCli.RunAsync(args, new StringReader(stdin), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public async Task<string> AddUserAsync(string username, string password = "correct horse battery staple")
    {
        await AdminAsync(password + "\n", "users", "add", "--username", username, "--email", $"{username}@example.org");
        return username;
    }

    public async Task<(string ClientId, string? Secret)> AddClientAsync(string name = "test app", string redirect = "https://app.example.org/cb")
    {
        var json = await AdminAsync("", "clients", "add", "--name", name, "--redirect-uri", redirect);
        return (json.GetProperty("client_id").GetString()!, json.GetProperty("client_secret").GetString());
    }

    public async Task<string> IssueTokenAsync(string username, string clientId, string scopes)
    {
        var json = await AdminAsync("", "tokens", "issue", "--user", username, "--client", clientId, "--scopes", scopes);
        return json.GetProperty("token").GetString()!;
    }

    /// <summary>A user, an application and a token of that user for it.</summary>
    public async Task<(string Username, string ClientId, string Token)> AddUserWithTokenAsync(string username, string scopes)
    {
        await AddUserAsync(username);
        var (clientId, _) = await AddClientAsync();
        return (username, clientId, await IssueTokenAsync(username, clientId, scopes));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ownsData)
            await DeleteDataAndBackendAsync(DataDirectory);
    }

    public static void DeleteData(string dataDirectory)
    {
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }

    /// <summary>
    /// The storage settings (<c>Storage:*</c>) of the backend this test run gives <paramref name="dataDirectory"/>,
    /// provisioned on the first call, as a server started over the folder gets them; admin commands against the folder
    /// get them too. For a test that runs <c>sightline serve</c> in a process of its own over the folder.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string?>> BackendAsync(string dataDirectory)
    {
        var storage = (await BackendConfigurationAsync(dataDirectory)).Where(s => s.Key.StartsWith("Storage:", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value);
        Backends[Path.GetFullPath(dataDirectory)] = storage;
        return storage;
    }

    /// <summary>Deletes a data folder and the database this test run made for it, if any.</summary>
    public static async Task DeleteDataAndBackendAsync(string dataDirectory)
    {
        DeleteData(dataDirectory);
        Backends.TryRemove(Path.GetFullPath(dataDirectory), out _);
        if (Provisioned.TryRemove(Path.GetFullPath(dataDirectory), out var backend) && backend.ContainsKey("Storage:Database"))
            await PostgresPeer.DropDatabaseAsync(PostgresPeer.DatabaseName(dataDirectory));
    }
}

/// <summary>Keeps every log line the server writes, so tests can find an incident's exception.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
