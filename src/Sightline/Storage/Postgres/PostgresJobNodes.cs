using Dapper;
using Npgsql;
using Sightline.Processing;

namespace Sightline.Storage.Postgres;

/// <summary>
/// This process as a node of the shared job queue (issue 10). It takes a number of its own (sequence <c>job_nodes</c>)
/// and holds it as a session advisory lock on a connection of its own for as long as it runs; every claim records the
/// number. PostgreSQL drops the lock when that session ends (the process died, or its connection broke), so any node,
/// above all one restarting, can tell a dead node's claims from a live one's at once instead of waiting out the lease.
/// The same connection <c>LISTEN</c>s on <c>sightline_jobs</c> (0003_job_nodes.sql) and wakes this node's idle workers
/// when another node queues a job, so they need not wait for their next poll.
/// </summary>
/// <remarks>
/// A node whose session breaks while it keeps running (a network cut, a PostgreSQL restart) looks dead until it
/// reconnects: a job it is running may then be claimed and made by another node as well. That is the same at-least-once
/// outcome as a lease running out; derivatives are written under the same keys, and nothing is lost. The session must
/// reach PostgreSQL directly (not through a transaction-pooling PgBouncer), or the lock would not last.
/// </remarks>
public sealed class PostgresJobNodes(PostgresDatabase database, JobSignal signal, ILogger<PostgresJobNodes> logger) : IDisposable
{
    /// <summary>The first key of the two-key advisory locks that mark live nodes (pg_locks: classid, objsubid 2).</summary>
    internal const int LockSpace = 0x5167_6A6F;

    /// <summary>
    /// SQL true when the node numbered by the column <c>node</c> of the row in scope holds no lock: its session is gone.
    /// Advisory locks are per database, so only this database's locks count.
    /// </summary>
    internal const string NodeGoneSql =
        """
        NOT EXISTS (SELECT 1 FROM pg_locks l
                    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = 1365731951::oid
                      AND l.objid = node::oid AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
        """;

    private readonly SemaphoreSlim starting = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private Task? session;
    private long node;

    /// <summary>This node's number, held as a lock from the first call on (the first call opens the session).</summary>
    public async Task<long> NodeAsync(CancellationToken cancellation = default)
    {
        if (Volatile.Read(ref node) is > 0 and var known)
            return known;
        await starting.WaitAsync(cancellation);
        try
        {
            if (node > 0)
                return node;
            // Opened here, not in the background: a database that is down fails the caller (the worker retries).
            var connection = await ConnectAsync(0, cancellation);
            Volatile.Write(ref node, await connection.ExecuteScalarAsync<long>("SELECT currval('job_nodes')"));
            session = Task.Run(() => HoldAsync(connection, stopping.Token));
            return node;
        }
        finally
        {
            starting.Release();
        }
    }

    // Takes the lock (a fresh number when `number` is 0) and listens; the lock is the session's until it ends.
    private async Task<NpgsqlConnection> ConnectAsync(long number, CancellationToken cancellation)
    {
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false, KeepAlive = 10 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellation);
            var taken = number == 0
                ? await connection.ExecuteScalarAsync<bool>($"SELECT pg_try_advisory_lock({LockSpace}, nextval('job_nodes')::int)")
                : await connection.ExecuteScalarAsync<bool>($"SELECT pg_try_advisory_lock({LockSpace}, @number::int)", new { number });
            // Only a session of this process ever takes this number; the old session's lock may not be released yet.
            if (!taken)
                throw new InvalidOperationException($"the lock of job node {number} is still held");
            connection.Notification += (_, _) => signal.Notify();
            await connection.ExecuteAsync("LISTEN sightline_jobs");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task HoldAsync(NpgsqlConnection connection, CancellationToken cancellation)
    {
        var failures = 0;
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                await using (connection)
                {
                    // Jobs queued while nobody listened: look once.
                    signal.Notify();
                    if (failures > 0)
                        logger.LogInformation("Job node {Node} holds its lock again after {Failures} failed attempts", node, failures);
                    failures = 0;
                    while (!cancellation.IsCancellationRequested)
                        await connection.WaitAsync(cancellation);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (failures++ == 0)
                    logger.LogWarning("Job node {Node} lost its PostgreSQL session ({Reason}); other nodes may take its running jobs until it is back",
                        node, e.Message);
            }
            // Reconnect under the same number: this node's running jobs carry it.
            while (!cancellation.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * failures)), cancellation);
                    connection = await ConnectAsync(node, cancellation);
                    break;
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception)
                {
                    failures++;
                }
            }
        }
    }

    private int disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
            return;
        stopping.Cancel();
        try
        {
            session?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping: the session closes with the process either way.
        }
        stopping.Dispose();
    }
}
