using Npgsql;

namespace Sightline.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL cluster the tests use with <c>SIGHTLINE_TEST_DB=postgres</c>: <c>SIGHTLINE_TEST_PG</c> is a connection
/// string to a superuser (PostGIS is installed per database). Each server gets a database of its own, named after its
/// data folder (so a restart finds it again), dropped when the server that made it is disposed.
/// </summary>
public static class PostgresPeer
{
    public static bool Selected => Environment.GetEnvironmentVariable("SIGHTLINE_TEST_DB") switch
    {
        null or "" or "sqlite" => false,
        "postgres" => true,
        var other => throw new InvalidOperationException($"SIGHTLINE_TEST_DB={other}: only postgres (or sqlite) is known"),
    };

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("SIGHTLINE_TEST_PG") is { Length: > 0 } configured
            ? configured
            : "Host=127.0.0.1;Port=5432;Username=sightline;Password=sightline;Database=postgres";

    public static string DatabaseName(string dataDirectory) =>
        "sightline_" + new string(Path.GetFileName(dataDirectory.TrimEnd('/')).ToLowerInvariant()
            .Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());

    // One template per test process: two runs on one cluster (a developer's and CI's) must not drop each other's.
    private const string TemplatePrefix = "sightline_test_template_";
    private static readonly string Template = TemplatePrefix + Environment.ProcessId;
    private static readonly SemaphoreSlim Creating = new(1, 1);
    private static bool templateReady;

    /// <summary>Creates the database if it is not there and returns the server's <c>Storage:Database</c> for it.</summary>
    /// <remarks>
    /// Installing PostGIS and the schema takes a few seconds; a server per test would pay it each time. The first call of
    /// a test run makes a migrated template database, and every server's database is a copy of it (CREATE DATABASE ...
    /// TEMPLATE, serialised: the template must have no other session while it is copied).
    /// </remarks>
    public static async Task<string> EnsureDatabaseAsync(string name)
    {
        await Creating.WaitAsync();
        try
        {
            return await EnsureDatabaseLockedAsync(name);
        }
        finally
        {
            Creating.Release();
        }
    }

    private static async Task<string> EnsureDatabaseLockedAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        if (!templateReady)
        {
            // Made afresh once per run, so a schema changed since the last run is picked up; templates of test processes
            // that are gone (killed runs) go too.
            var templates = new List<string>();
            await using (var list = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datname LIKE '{TemplatePrefix}%'", connection))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    templates.Add(reader.GetString(0));
            foreach (var stale in templates)
            {
                var owner = int.TryParse(stale[TemplatePrefix.Length..], out var pid) ? pid : 0;
                if (stale != Template && Directory.Exists($"/proc/{owner}"))
                    continue;
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{stale}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
            await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{Template}\"", connection))
                await create.ExecuteNonQueryAsync();
            using (var database = new Sightline.Storage.Postgres.PostgresDatabase(ConnectionString(Template)))
                database.Migrate();
            NpgsqlConnection.ClearAllPools();
            templateReady = true;
        }
        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", name);
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{Template}\" STRATEGY FILE_COPY", connection);
                await create.ExecuteNonQueryAsync();
            }
        }
        return ConnectionString(name);
    }

    /// <summary>A database without schema (for tests of the migration itself); returns its <c>Storage:Database</c>.</summary>
    public static async Task<string> CreateEmptyDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public static string ConnectionString(string name) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;

    /// <summary>
    /// The end of a store-level test: its PostgreSQL database (when it had one, named after <paramref name="dataDirectory"/>)
    /// is dropped, SQLite's pooled connections are closed and the data folder goes.
    /// </summary>
    public static async Task DisposeStoreTestAsync(Sightline.Storage.Postgres.PostgresDatabase? postgres, string dataDirectory)
    {
        if (postgres is not null)
        {
            postgres.Dispose();
            await DropDatabaseAsync(DatabaseName(dataDirectory));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestServer.DeleteData(dataDirectory);
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
