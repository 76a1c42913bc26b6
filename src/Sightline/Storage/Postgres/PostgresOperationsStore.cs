using Dapper;

namespace Sightline.Storage.Postgres;

/// <summary>The operator's reads on PostgreSQL (readiness probes the database through this).</summary>
public sealed class PostgresOperationsStore(PostgresDatabase database) : OperationsStore
{
    public override async Task<long> PingAsync(CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        return await connection.ExecuteScalarAsync<long>(
            new CommandDefinition("SELECT coalesce(max(version), 0) FROM schema_migrations", cancellationToken: cancellation));
    }

    public override long QueuedJobs()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT count(*) FROM jobs WHERE state IN ('queued', 'processing')");
    }

    public override long LastSearchChange()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>(PostgresChangeFeed.LastChangeSql);
    }
}
