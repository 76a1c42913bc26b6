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
