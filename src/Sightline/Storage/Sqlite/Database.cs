using System.Collections.Concurrent;
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

    // How long a writer queues in the process before it goes ahead anyway and lets SQLite's own busy handling decide
    // (as before the queue): a writer that opened a second writer while holding one must not wait forever.
    private static readonly TimeSpan WriterQueueLimit = TimeSpan.FromSeconds(30);

    // One queue per database file, shared by every Database of the process on that file.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriterQueues = new(StringComparer.Ordinal);

    private readonly string connectionString;
    private readonly SemaphoreSlim writers;

    public Database(string dataDirectory)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
        writers = WriterQueues.GetOrAdd(Path.Combine(DataDirectory, FileName), static _ => new SemaphoreSlim(1, 1));
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

    /// <summary>
    /// A connection for a method that writes: it waits (asynchronously) until no other writer of this process holds
    /// one, and lets the next writer in when it closes.
    /// </summary>
    /// <remarks>
    /// SQLite has one writer at a time. Without this queue two writers of the process meet at SQLite's lock, and
    /// Microsoft.Data.Sqlite retries the loser with a sleeping thread (150 ms a turn, up to the busy timeout): under
    /// load that blocked thread-pool threads and made the seconds-long tail of the 64-connection soak (issue 13).
    /// Waiting here costs no thread. Transactions keep <c>BEGIN IMMEDIATE</c>; other processes on the same file (the
    /// command line) still meet at SQLite's lock and its busy timeout.
    /// </remarks>
    public async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellation = default)
    {
        var queued = await writers.WaitAsync(WriterQueueLimit, cancellation);
        try
        {
            var connection = await OpenAsync(cancellation);
            return queued ? LettingNextWriterIn(connection) : connection;
        }
        catch
        {
            if (queued)
                writers.Release();
            throw;
        }
    }

    /// <summary>The synchronous <see cref="OpenWriterAsync"/>, for the few writers outside a request (it blocks its thread).</summary>
    public SqliteConnection OpenWriter()
    {
        var queued = writers.Wait(WriterQueueLimit);
        try
        {
            var connection = Open();
            return queued ? LettingNextWriterIn(connection) : connection;
        }
        catch
        {
            if (queued)
                writers.Release();
            throw;
        }
    }

    private SqliteConnection LettingNextWriterIn(SqliteConnection connection)
    {
        var released = 0;
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed && Interlocked.Exchange(ref released, 1) == 0)
                writers.Release();
        };
        return connection;
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
