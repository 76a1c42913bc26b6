using Sightline.Search.Bench;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Tiles;

/// <summary>
/// A synthetic archive (bench-data's generator, a fixed seed) in its own data folder, served by a test server that also
/// maps the old database-drawn tile handler, so tiles can be compared with what it made.
/// </summary>
public abstract class SyntheticTileArchive(int seed, int images, Dictionary<string, string?>? settings = null) : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;
    private string data = null!;

    public async Task InitializeAsync()
    {
        data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var database = new Database(data);
        database.Migrate();
        new SyntheticArchive(database, seed).Generate(images, TextWriter.Null);
        Server = await TestServer.StartAsync(settings, configureApp: LegacySequenceTiles.Map, dataDirectory: data);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(data, recursive: true);
    }
}
