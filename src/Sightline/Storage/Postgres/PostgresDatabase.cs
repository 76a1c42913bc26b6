using System.Data;
using System.Reflection;
using Dapper;
using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>A PostgreSQL database (with PostGIS) shared by every node, with its versioned schema.</summary>
public sealed class PostgresDatabase : IDisposable
{
    // Any constant shared by every node: the advisory lock that serialises schema migrations.
    private const long MigrationLock = 0x5167_6874_6c69_6e65;

    private readonly NpgsqlDataSource dataSource;
    private long closes;

    public PostgresDatabase(string setting)
    {
        var builder = Parse(setting);
        Host = builder.Host ?? "localhost";
        Port = builder.Port;
        ConnectionString = builder.ConnectionString;
        dataSource = NpgsqlDataSource.Create(builder);
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>The connection string with the password, for the change feed's own listening connection.</summary>
    internal string ConnectionString { get; }

    /// <summary>How many connections of this process have been closed (the change feed probes after each).</summary>
    internal long Closes => Interlocked.Read(ref closes);

    /// <summary>
    /// Reads <c>Storage:Database</c>: a <c>postgres://user:password@host:port/database</c> URL or an Npgsql connection string.
    /// </summary>
    public static NpgsqlConnectionStringBuilder Parse(string setting)
    {
        try
        {
            if (Uri.TryCreate(setting, UriKind.Absolute, out var url) && url.Scheme is "postgres" or "postgresql")
            {
                var builder = new NpgsqlConnectionStringBuilder { Host = url.Host, Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port };
                var database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
                if (database.Length > 0)
                    builder.Database = database;
                if (url.UserInfo.Length > 0)
                {
                    var parts = url.UserInfo.Split(':', 2);
                    builder.Username = Uri.UnescapeDataString(parts[0]);
                    if (parts.Length == 2)
                        builder.Password = Uri.UnescapeDataString(parts[1]);
                }
                foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var kv = pair.Split('=', 2);
                    builder[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
                }
                return builder;
            }
            if (!setting.Contains('='))
                throw new ArgumentException("neither a postgres:// URL nor a connection string");
            return new NpgsqlConnectionStringBuilder(setting);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new StorageConfigurationException(
                $"Storage:Database must be postgres://user:password@host:port/database or an Npgsql connection string (or empty for SQLite): {e.Message}");
        }
    }

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellation = default)
    {
        var connection = NotingCloses(dataSource.CreateConnection());
        await connection.OpenAsync(cancellation);
        return connection;
    }

    public NpgsqlConnection Open()
    {
        var connection = NotingCloses(dataSource.CreateConnection());
        connection.Open();
        return connection;
    }

    /// <summary>A connection whose closing the change feed does not count (its own probes).</summary>
    internal NpgsqlConnection OpenUncounted()
    {
        var connection = dataSource.CreateConnection();
        connection.Open();
        return connection;
    }

    // A connection that committed a write has closed by the time the request that made it answers: the change feed then
    // asks the database at once whether the change counter moved, so this node sees its own commits immediately.
    private NpgsqlConnection NotingCloses(NpgsqlConnection connection)
    {
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == ConnectionState.Closed)
                Interlocked.Increment(ref closes);
        };
        return connection;
    }

    /// <summary>Applies every migration not yet applied, under an advisory lock so nodes starting at once do not race.</summary>
    public void Migrate()
    {
        using var connection = Open();
        connection.Execute("SELECT pg_advisory_lock(@MigrationLock)", new { MigrationLock });
        try
        {
            connection.Execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    bigint PRIMARY KEY,
                    name       text   NOT NULL,
                    applied_at bigint NOT NULL
                )
                """);
            var applied = connection.Query<long>("SELECT version FROM schema_migrations").ToHashSet();
            foreach (var (version, name, sql) in LoadMigrations().Where(m => !applied.Contains(m.Version)))
            {
                using var transaction = connection.BeginTransaction();
                connection.Execute(sql, transaction: transaction);
                connection.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @now)",
                    new { version = (long)version, name, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
                transaction.Commit();
            }
        }
        finally
        {
            connection.Execute("SELECT pg_advisory_unlock(@MigrationLock)", new { MigrationLock });
        }
        // Types made by a migration (PostGIS's) are known to connections opened from now on.
        connection.ReloadTypes();
    }

    // Embedded as "Sightline.PostgresMigrations.NNNN_name.sql"; numbered like the SQLite migrations they follow.
    private static List<(int Version, string Name, string Sql)> LoadMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "Sightline.PostgresMigrations.";
        return assembly.GetManifestResourceNames()
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
    }

    /// <summary>Why the database could not be used, in one line (no stack trace, no password).</summary>
    public static string Reason(Exception e)
    {
        var inner = e.GetBaseException();
        var text = inner switch
        {
            System.Net.Sockets.SocketException socket => socket.SocketErrorCode switch
            {
                System.Net.Sockets.SocketError.ConnectionRefused => "connection refused",
                System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData => "host not found",
                System.Net.Sockets.SocketError.TimedOut => "timed out",
                _ => socket.Message,
            },
            PostgresException postgres => postgres.MessageText,
            TimeoutException => "timed out",
            _ => inner.Message,
        };
        return text.ReplaceLineEndings(" ");
    }

    public void Dispose() => dataSource.Dispose();
}
