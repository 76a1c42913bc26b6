using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sightline.Processing;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;
using Sightline.Tokens;

namespace Sightline.Tests.Backends;

/// <summary>Runs only with <c>SIGHTLINE_TEST_DB=postgres</c>: what only the PostgreSQL backend has.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!PostgresPeer.Selected)
            Skip = "needs SIGHTLINE_TEST_DB=postgres and a cluster in SIGHTLINE_TEST_PG";
    }
}

/// <summary>
/// Several nodes on one PostgreSQL database (two servers in this process, each with its own pools, change feed and
/// workers): migrations under the advisory lock, the change feed across nodes, and a job reclaimed after its lease.
/// </summary>
public sealed class PostgresTests
{
    // Deadlines of the issue (a change seen by another node within 5 s, a revoked token refused within 2 s): the
    // polls below fail when they pass; they measure nothing else.
    private static readonly TimeSpan ChangeDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RevocationDeadline = TimeSpan.FromSeconds(2);

    private static byte[] Photo(int seed) => Photos.Jpeg(new PhotoSpec
    {
        Width = 320, Height = 240, Lat = 59.3293, Lon = 18.0686 + seed * 0.0001, Ca = 10, Taken = new DateTime(2024, 7, 1, 8, 0, seed), Seed = seed,
    });

    private static async Task<(string Name, string Setting)> FreshDatabaseAsync(bool migrated)
    {
        var name = "sightline_pgtest_" + Guid.NewGuid().ToString("N");
        return (name, migrated ? await PostgresPeer.EnsureDatabaseAsync(name) : await PostgresPeer.CreateEmptyDatabaseAsync(name));
    }

    private static Dictionary<string, string?> Node(string setting, int workers = 1) => new()
    {
        ["Storage:Database"] = setting,
        ["Processing:Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    // Needs no cluster: nothing listens on port 1 of the loopback.
    [Fact]
    public void UnreachableDatabaseIsOneLineNamingTheSettingAndTheAddress()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", "pg-down-" + Guid.NewGuid().ToString("N"));
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Database"] = "postgres://sightline:secret@127.0.0.1:1/sightline",
            }).Build();
            var problem = Assert.Throws<Sightline.Storage.StorageConfigurationException>(() => Sightline.Storage.StorageServices.Open(data, configuration));
            Assert.Equal("cannot reach PostgreSQL at 127.0.0.1:1 (Storage:Database): connection refused", problem.Message);
        }
        finally
        {
            TestServer.DeleteData(data);
        }
    }

    [Fact]
    public async Task ServeWithTheDatabaseDownSaysSoInOneLineAndExitsNonZero()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", "pg-down-" + Guid.NewGuid().ToString("N"));
        try
        {
            Sightline.Storage.StorageServices.CommandSettings.Value = new Dictionary<string, string?>
            {
                ["Storage:Database"] = "postgres://sightline:secret@127.0.0.1:1/sightline",
            };
            var (exit, _, error) = await TestServer.RunCliAsync("", "serve", "--data", data, "--urls", "http://127.0.0.1:0");
            Assert.NotEqual(0, exit);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal("error: cannot reach PostgreSQL at 127.0.0.1:1 (Storage:Database): connection refused", line);
        }
        finally
        {
            TestServer.DeleteData(data);
        }
    }

    [Fact]
    public void MalformedDatabaseSettingIsOneLineNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Database"] = "mysql-please",
        }).Build();
        var problem = Assert.Throws<Sightline.Storage.StorageConfigurationException>(() => Sightline.Storage.StorageServices.Open(Path.GetTempPath(), configuration));
        Assert.StartsWith("Storage:Database must be postgres://", problem.Message);
        Assert.DoesNotContain('\n', problem.Message);
    }

    [PostgresFact]
    public async Task TwoNodesStartingAtOnceOnAnEmptyDatabaseMigrateItOnce()
    {
        var (name, setting) = await FreshDatabaseAsync(migrated: false);
        try
        {
            var starting = new[] { TestServer.StartAsync(Node(setting)), TestServer.StartAsync(Node(setting)) };
            await using var a = await starting[0];
            await using var b = await starting[1];

            await using var connection = new NpgsqlConnection(setting);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations", connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.True(reader.GetInt64(0) > 0);
            Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));

            // Both nodes work on the one schema.
            var uploader = await Uploader.CreateAsync(a, "first", "public:upload user:read");
            Assert.Equal(HttpStatusCode.OK, (await uploader.On(b).SendAsync(HttpMethod.Get, "/v2/me")).StatusCode);
        }
        finally
        {
            await PostgresPeer.DropDatabaseAsync(name);
        }
    }

    [PostgresFact]
    public async Task PhotoUploadedThroughOneNodeIsServedAndFoundByTheOther()
    {
        var (name, setting) = await FreshDatabaseAsync(migrated: true);
        try
        {
            await using var a = await TestServer.StartAsync(Node(setting));
            // B processes nothing: the original is in A's data folder (no shared object store in this test).
            await using var b = await TestServer.StartAsync(Node(setting, workers: 0));
            var onA = await Uploader.CreateAsync(a, "walker", "public:upload user:read");
            var onB = onA.On(b);
            // B's search index is loaded and empty before the upload: what it finds later came through the change feed.
            Assert.Empty((await onB.GetJsonAsync("/v2/search/im/close?lat=59.3293&lon=18.0686&distance=1000")).GetProperty("ims").EnumerateArray());

            var key = (await onA.UploadProcessedAsync("walk-1", Photo(1))).GetProperty("key").GetString()!;

            var deadline = DateTime.UtcNow + ChangeDeadline;
            while (true)
            {
                using var image = await onB.SendAsync(HttpMethod.Get, $"/v2/im/{key}");
                var found = (await onB.GetJsonAsync("/v2/search/im/close?lat=59.3293&lon=18.0686&distance=1000"))
                    .GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()).ToList();
                if (image.StatusCode == HttpStatusCode.OK && found.Contains(key))
                    break;
                Assert.True(DateTime.UtcNow < deadline, $"node B did not serve and find {key} within {ChangeDeadline} ({image.StatusCode}, found {found.Count})");
                await Task.Delay(50);
            }
        }
        finally
        {
            await PostgresPeer.DropDatabaseAsync(name);
        }
    }

    [PostgresFact]
    public async Task TokenRevokedThroughOneNodeIsRefusedByTheOther()
    {
        var (name, setting) = await FreshDatabaseAsync(migrated: true);
        try
        {
            await using var a = await TestServer.StartAsync(Node(setting, workers: 0));
            await using var b = await TestServer.StartAsync(Node(setting, workers: 0));
            var (_, clientId, token) = await a.AddUserWithTokenAsync("revoked", "user:read");
            var onB = new Uploader(b, "revoked", clientId, token);
            // B has checked (and cached) the token.
            Assert.Equal(HttpStatusCode.OK, (await onB.SendAsync(HttpMethod.Get, "/v2/me")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await onB.SendAsync(HttpMethod.Get, "/v2/me")).StatusCode);

            Assert.True(await a.Services.GetRequiredService<ITokenStore>().RevokeAsync(token));

            var deadline = DateTime.UtcNow + RevocationDeadline;
            while (true)
            {
                using var response = await onB.SendAsync(HttpMethod.Get, "/v2/me");
                if (response.StatusCode == HttpStatusCode.Unauthorized)
                    break;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(DateTime.UtcNow < deadline, $"node B still accepted the revoked token after {RevocationDeadline}");
                await Task.Delay(20);
            }
        }
        finally
        {
            await PostgresPeer.DropDatabaseAsync(name);
        }
    }

    [PostgresFact]
    public async Task JobOfANodeThatDiedIsReclaimedByAnotherWhenItsLeaseRunsOut()
    {
        var (name, setting) = await FreshDatabaseAsync(migrated: true);
        try
        {
            // A takes the upload and claims its job with a short lease, then never finishes it (as if it died).
            await using var a = await TestServer.StartAsync(Node(setting, workers: 0));
            var onA = await Uploader.CreateAsync(a, "orphan", "public:upload user:read");
            var key = await onA.UploadAsync("orphan-1", Photo(2));
            var claimed = await a.Services.GetRequiredService<IJobQueue>().ClaimAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
            Assert.NotNull(claimed);
            Assert.Equal(key, claimed.ImageKey);
            // Nothing else is claimable while the lease runs.
            Assert.Null(await a.Services.GetRequiredService<IJobQueue>().ClaimAsync(TimeSpan.FromSeconds(2), CancellationToken.None));

            // B shares A's data folder for the original (an object store would do in production) and has a worker.
            await using var b = await TestServer.StartAsync(Node(setting, workers: 1), dataDirectory: a.DataDirectory);
            var image = await onA.On(b).WaitUntilProcessedAsync(key);
            Assert.Equal(key, image.GetProperty("key").GetString());
        }
        finally
        {
            await PostgresPeer.DropDatabaseAsync(name);
        }
    }
}
