using Dapper;
using Sightline.Storage.Sqlite;

namespace Sightline.Storage;

/// <summary>What the operator's tools read from the database: readiness, gauges (issue 13).</summary>
public sealed class OperationsStore(Database database)
{
    /// <summary>Opens a connection and reads the schema version: the database file is there and answers.</summary>
    public async Task<long> PingAsync(CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA user_version", cancellationToken: cancellation));
    }

    /// <summary>Photos waiting for or in processing.</summary>
    public long QueuedJobs()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT count(*) FROM jobs WHERE state IN ('queued', 'processing')");
    }

    /// <summary>The newest entry of the search change feed.</summary>
    public long LastSearchChange()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT coalesce(max(seq), 0) FROM search_changes");
    }
}
