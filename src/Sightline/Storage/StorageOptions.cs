namespace Sightline.Storage;

/// <summary>Where the server keeps its data (configuration section <c>Storage</c>; the data folder comes from <c>--data</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The node's data folder: the embedded database and files by default, scratch files always.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>The database: empty for the SQLite file in the data folder.</summary>
    public string? Database { get; set; }

    /// <summary>The object store: empty for the data folder.</summary>
    public string? Blobs { get; set; }

    /// <summary>
    /// Redis, as a StackExchange.Redis configuration string (<c>127.0.0.1:6379</c>): empty for none. With it, request
    /// budgets and sign-in throttles are shared by every node; without it, each node counts its own.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key Sightline writes, so that several installations can share one Redis.</summary>
    public string RedisKeyPrefix { get; set; } = "sightline:";

    /// <summary>
    /// How often, at most, a node asks the database whether another node or process committed something (the caches'
    /// and search index's freshness probe). Commits made through this process are seen at once regardless.
    /// </summary>
    public int ChangeProbeMilliseconds { get; set; } = 50;
}
