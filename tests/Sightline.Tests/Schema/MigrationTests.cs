using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Storage;
using Sightline.Storage.Sqlite;

namespace Sightline.Tests.Schema;

/// <summary>Versioned migrations: each applied once, and a late lower-numbered one still applied.</summary>
public sealed class MigrationTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-migrations", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void FreshDatabaseRecordsEveryMigration()
    {
        var database = new Database(data);
        database.Migrate();
        using var connection = database.Open();
        var versions = connection.Query<long>("SELECT version FROM schema_migrations ORDER BY version").ToList();
        Assert.Equal([1, 2, 3, 4, 5], versions.Take(5));
        Assert.Equal(versions.Max(), connection.ExecuteScalar<long>("PRAGMA user_version"));
        database.Migrate(); // a second run applies nothing again (it would fail on existing tables)
        Assert.Equal(versions.Count, connection.ExecuteScalar<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public void MigrationMergedAfterAHigherOneIsStillApplied()
    {
        var database = new Database(data);
        database.Migrate();
        using (var connection = database.Open())
        {
            // A database migrated before 0004 existed: it has 0005 but not 0004.
            connection.Execute("DROP INDEX access_tokens_application; DROP TABLE oauth_code_redemptions; DELETE FROM schema_migrations WHERE version = 4;");
        }
        database.Migrate();
        using var check = database.Open();
        Assert.Equal(1, check.ExecuteScalar<long>("SELECT count(*) FROM sqlite_master WHERE name = 'oauth_code_redemptions'"));
        Assert.Equal(1, check.ExecuteScalar<long>("SELECT count(*) FROM schema_migrations WHERE version = 4"));
    }

    [Fact]
    public void DuplicateOpenComplaintsFiledBeforeTheOneOpenIndexAreClosedSoItCanBeMade()
    {
        var database = new Database(data);
        database.Migrate();
        using (var connection = database.Open())
        {
            // A database from before 0192, where one user's complaint sent at once had been filed three times.
            connection.Execute(
                """
                DROP INDEX complaints_one_open_per_user; DELETE FROM schema_migrations WHERE version = 192; PRAGMA foreign_keys = OFF;
                INSERT INTO complaints (key, image_id, user_id, application_id, body, state, created_at) VALUES
                    ('first', 1, 7, 1, 'x', 'open', 100), ('second', 1, 7, 1, 'x', 'open', 100), ('third', 1, 7, 1, 'x', 'open', 101),
                    ('other-image', 2, 7, 1, 'x', 'open', 100), ('anonymous', 1, NULL, 1, 'x', 'open', 100), ('anonymous-too', 1, NULL, 1, 'x', 'open', 100);
                """);
        }
        database.Migrate();
        using var check = database.Open();
        Assert.Equal(["anonymous", "anonymous-too", "first", "other-image"],
            check.Query<string>("SELECT key FROM complaints WHERE state = 'open' ORDER BY key").ToArray());
        Assert.Equal(["second", "third"], check.Query<string>("SELECT key FROM complaints WHERE state = 'dismissed' AND resolved_by IS NULL ORDER BY key").ToArray());
        Assert.Equal(1, check.ExecuteScalar<long>("SELECT count(*) FROM sqlite_master WHERE name = 'complaints_one_open_per_user'"));
    }

    [Fact]
    public void DatabaseFromBeforeTheLedgerIsNotMigratedTwice()
    {
        var database = new Database(data);
        database.Migrate();
        using (var connection = database.Open())
            connection.Execute("DROP TABLE schema_migrations");
        database.Migrate();
        using var check = database.Open();
        Assert.True(check.ExecuteScalar<long>("SELECT count(*) FROM schema_migrations") >= 5);
    }
}
