namespace Sightline.Storage;

/// <summary>What the operator's tools read from the database: readiness, gauges (issue 13). One per backend.</summary>
public abstract class OperationsStore
{
    /// <summary>Opens a connection and reads the schema version: the database is there and answers.</summary>
    public abstract Task<long> PingAsync(CancellationToken cancellation);

    /// <summary>Photos waiting for or in processing.</summary>
    public abstract long QueuedJobs();

    /// <summary>The newest entry of the search change feed.</summary>
    public abstract long LastSearchChange();
}
