using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage;

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
        return connection;
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Creates the folder and database if needed and applies pending migrations; returns true when the database is new.</summary>
    public bool Migrate()
    {
        Directory.CreateDirectory(DataDirectory);
        using var connection = Open();
        connection.Execute("PRAGMA journal_mode = WAL;");
        var current = connection.ExecuteScalar<long>("PRAGMA user_version;");
        var migrations = LoadMigrations();
        foreach (var (version, sql) in migrations.Where(m => m.Version > current))
        {
            using var transaction = connection.BeginTransaction();
            connection.Execute(sql, transaction: transaction);
            connection.Execute($"PRAGMA user_version = {version};", transaction: transaction);
            transaction.Commit();
        }
        return current == 0;
    }

    public static int LatestVersion => LoadMigrations().Max(m => m.Version);

    // Migrations are embedded as "Sightline.Migrations.NNNN_name.sql"; NNNN is the schema version.
    private static List<(int Version, string Sql)> LoadMigrations()
    {
        var assembly = Assembly.GetExecutingAssembly();
        const string prefix = "Sightline.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                var version = int.Parse(name[prefix.Length..].Split('_')[0]);
                return (version, reader.ReadToEnd());
            })
            .OrderBy(m => m.version)
            .ToList();
    }
}
