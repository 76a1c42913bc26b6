using System.Data;
using System.Reflection;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

/// <summary>The embedded SQLite database of a data folder, with its versioned schema.</summary>
public sealed class Database
{
    public const string FileName = "sightline.db";

    private readonly string connectionString;

    public Database(string dataDirectory)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(DataDirectory, FileName),
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DataDirectory { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellation = default)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellation);
        return NotingCommits(connection);
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return NotingCommits(connection);
    }

    // When a connection that committed a write closes, the commit is complete: the change feed then probes at once.
    // SQLite calls the commit hook only for transactions that wrote, so readers cost nothing more.
    private static SqliteConnection NotingCommits(SqliteConnection connection)
    {
        var wrote = new StrongBox<bool>();
        SQLitePCL.raw.sqlite3_commit_hook(connection.Handle, static state => { ((StrongBox<bool>)state).Value = true; return 0; }, wrote);
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed && wrote.Value)
            {
                wrote.Value = false;
                CommitWatch.NoteLocalCommit();
            }
        };
        return connection;
    }

    /// <summary>Creates the folder and database if needed and applies every migration not yet applied.</summary>
    /// <remarks>
    /// Each applied migration is recorded by version, so one that arrives later with a lower number
    /// (branches merged in another order) is still applied. <c>user_version</c> keeps the highest.
    /// </remarks>
    public void Migrate()
    {
        Directory.CreateDirectory(DataDirectory);
        using var connection = Open();
        connection.Execute("PRAGMA journal_mode = WAL;");
        var userVersion = connection.ExecuteScalar<long>("PRAGMA user_version;");
        connection.Execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at INTEGER NOT NULL
            )
            """);
        var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
        var migrations = LoadMigrations();
        if (applied.Count == 0 && userVersion > 0)
        {
            // A database from before this table: everything up to user_version was applied in order.
            foreach (var (version, name, _) in migrations.Where(m => m.Version <= userVersion))
                Record(connection, null, version, name);
            applied = migrations.Where(m => m.Version <= userVersion).Select(m => (long)m.Version).ToHashSet();
        }

        foreach (var (version, name, sql) in migrations.Where(m => !applied.Contains(m.Version)))
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            Record(connection, transaction, version, name);
            if (version > userVersion)
            {
                connection.Execute($"PRAGMA user_version = {version};", transaction: transaction);
                userVersion = version;
            }
            transaction.Commit();
        }
    }

    private static void Record(SqliteConnection connection, SqliteTransaction? transaction, int version, string name) =>
        connection.Execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @now)",
            new { version, name, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);

    // Migrations are embedded as "Sightline.Migrations.NNNN_name.sql"; NNNN is the schema version.
    private static List<(int Version, string Name, string Sql)> LoadMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "Sightline.Migrations.";
        var migrations = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                var file = name[prefix.Length..^".sql".Length];
                return (Version: int.Parse(file.Split('_')[0]), Name: file, Sql: reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
        var clash = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new InvalidOperationException($"two migrations share version {clash.Key}: {string.Join(", ", clash.Select(m => m.Name))}");
        return migrations;
    }
}
