using Dapper;

namespace Sightline.Storage.Sqlite;

/// <summary>The operator's reads on SQLite.</summary>
public sealed class SqliteOperationsStore(Database database) : OperationsStore
{
    public override async Task<long> PingAsync(CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA user_version", cancellationToken: cancellation));
    }

    public override long QueuedJobs()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT count(*) FROM jobs WHERE state IN ('queued', 'processing')");
    }

    public override long LastSearchChange()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT coalesce(max(seq), 0) FROM search_changes");
    }
}
