using Dapper;
using Npgsql;

namespace Sightline.Storage.Postgres;

/// <summary>
/// The change feed on PostgreSQL: every commit that changed a table moves the <c>sightline_epoch</c> counter and sends a
/// <c>NOTIFY sightline_changes</c> (statement triggers, 0001_schema.sql); one dedicated <c>LISTEN</c> connection per node
/// moves the epoch when a notification arrives. The trigger-fed <c>search_changes</c> log says which images changed.
/// </summary>
/// <remarks>
/// Notifications are delivered after the commit, asynchronously: a commit made through this node must be seen by the very
/// next request (a token revoked here is refused at once), so after any connection of this node has closed the next
/// <see cref="Epoch"/> also reads the counter (one round trip). The counter moves before the commit is visible, so
/// a copy read in between can be stale; the notification that follows the commit moves the epoch again. When the
/// listening connection drops, it reconnects by itself and moves the epoch (notifications may have been missed).
/// </remarks>
public sealed class PostgresChangeFeed : IChangeFeed, IDisposable
{
    // The last change ever logged: identity numbers are never reused, and the sequence survives pruning.
    internal const string LastChangeSql =
        "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('search_changes', 'seq')), 0)";

    private readonly PostgresDatabase database;
    private readonly ILogger<PostgresChangeFeed> logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task listening;
    private readonly SemaphoreSlim probing = new(1, 1);
    private long notifications;
    private long counter;
    private long probedCloses = -1;

    public PostgresChangeFeed(PostgresDatabase database, ILogger<PostgresChangeFeed> logger)
    {
        this.database = database;
        this.logger = logger;
        listening = Task.Run(() => ListenAsync(stopping.Token));
    }

    public long Epoch()
    {
        var closes = database.Closes;
        if (closes != Volatile.Read(ref probedCloses))
        {
            probing.Wait();
            try
            {
                if (Volatile.Read(ref probedCloses) >= closes)
                    return Interlocked.Read(ref notifications) + Volatile.Read(ref counter);
                // The closes are read before the probe: one that happens during it is probed for on the next call.
                using var connection = database.OpenUncounted();
                var value = connection.ExecuteScalar<long>("SELECT last_value FROM sightline_epoch");
                Volatile.Write(ref counter, value);
                Volatile.Write(ref probedCloses, closes);
            }
            finally
            {
                probing.Release();
            }
        }
        return Interlocked.Read(ref notifications) + Volatile.Read(ref counter);
    }

    public long LastImageChange()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>(LastChangeSql);
    }

    public long FirstImageChange()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT coalesce(min(seq), 0) FROM search_changes");
    }

    public IReadOnlyList<(long Seq, int ImageId)> ImageChangesAfter(long after)
    {
        using var connection = database.Open();
        return connection.Query<(long Seq, int ImageId)>(
            "SELECT seq, image_id::int FROM search_changes WHERE seq > @after ORDER BY seq", new { after }).AsList();
    }

    public void PruneImageChanges(long upTo)
    {
        using var connection = database.Open();
        connection.Execute("DELETE FROM search_changes WHERE seq <= @upTo", new { upTo });
    }

    private async Task ListenAsync(CancellationToken cancellation)
    {
        var failures = 0;
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                // Its own connection, outside the pool: it waits for notifications for as long as the node runs.
                var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, KeepAlive = 10 };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellation);
                connection.Notification += (_, _) => Interlocked.Increment(ref notifications);
                await using (var listen = new NpgsqlCommand("LISTEN sightline_changes", connection))
                    await listen.ExecuteNonQueryAsync(cancellation);
                // Whatever was committed while no one listened: every copy is suspect.
                Interlocked.Increment(ref notifications);
                if (failures > 0)
                    logger.LogInformation("Change feed listening again after {Failures} failed attempts", failures);
                failures = 0;
                while (!cancellation.IsCancellationRequested)
                    await connection.WaitAsync(cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref notifications);
                if (failures++ == 0)
                    logger.LogWarning("Change feed lost its PostgreSQL connection ({Reason}); reconnecting", e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * failures)), cancellation);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private int disposed;

    // Registered as itself and as IChangeFeed: the container disposes it twice.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
            return;
        stopping.Cancel();
        try
        {
            listening.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping: whatever the listener was doing no longer matters.
        }
        stopping.Dispose();
    }
}
