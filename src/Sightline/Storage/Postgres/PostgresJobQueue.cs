using Dapper;
using Npgsql;
using Sightline.Processing;

namespace Sightline.Storage.Postgres;

/// <summary>
/// The job queue in PostgreSQL, shared by every node: a job is claimed with <c>FOR UPDATE SKIP LOCKED</c> (two workers
/// never wait for or take the same job), a lease and the claiming node's number (<see cref="PostgresJobNodes"/>). A job
/// is claimed again when its node is gone (its session lock was released: the process died) or, failing that, when its
/// lease has run out (a node whose host vanished without closing its connection).
/// </summary>
public sealed class PostgresJobQueue(PostgresDatabase database, SequenceAssembler sequences, PostgresJobNodes nodes, TimeProvider clock) : IJobQueue
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    // Other nodes share the queue: a job in processing may be theirs and alive, so only jobs of nodes whose lock is free
    // go back (this node's previous run among them), and their images with them. Claims made before node numbers
    // existed (node NULL) wait for their lease.
    public async Task<int> ReleaseAbandonedAsync()
    {
        await nodes.NodeAsync();
        await using var connection = await database.OpenAsync();
        await using var transaction = (NpgsqlTransaction)await connection.BeginTransactionAsync();
        var released = (await connection.QueryAsync<(long ImageId, string Kind)>(
            $"""
            UPDATE jobs SET state = 'queued', lease_until = NULL, claim = NULL, node = NULL
            WHERE state = 'processing' AND node IS NOT NULL AND {PostgresJobNodes.NodeGoneSql}
            RETURNING image_id, kind
            """, transaction: transaction)).AsList();
        var images = released.Where(job => job.Kind != "rederive").Select(job => job.ImageId).ToArray();
        await connection.ExecuteAsync("UPDATE images SET state = 'received' WHERE id = ANY(@images) AND state = 'processing'",
            new { images }, transaction);
        await transaction.CommitAsync();
        return released.Count;
    }

    public async Task<IJobQueue.Job?> ClaimAsync(TimeSpan lease, CancellationToken cancellation)
    {
        var now = Now;
        var claim = RandomKey.New();
        var node = await nodes.NodeAsync(cancellation);
        await using var connection = await database.OpenAsync(cancellation);
        await using var transaction = (NpgsqlTransaction)await connection.BeginTransactionAsync(cancellation);
        var claimed = await connection.QuerySingleOrDefaultAsync<(long Id, long ImageId, string Kind)?>(
            $"""
            WITH next AS (
                SELECT id FROM jobs
                WHERE state = 'queued'
                   OR (state = 'processing' AND (coalesce(lease_until, 0) < @now OR (node IS NOT NULL AND {PostgresJobNodes.NodeGoneSql})))
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE jobs j SET state = 'processing', attempts = j.attempts + 1, lease_until = @until, claim = @claim, node = @node
            FROM next WHERE j.id = next.id
            RETURNING j.id, j.image_id, j.kind
            """, new { now, until = now + (long)lease.TotalMilliseconds, claim, node }, transaction);
        if (claimed is not { } job)
            return null;
        var kind = job.Kind == "rederive" ? JobKind.Rederivatives : JobKind.Derivatives;
        if (kind == JobKind.Derivatives)
            await connection.ExecuteAsync("UPDATE images SET state = 'processing', updated_at = @now WHERE id = @ImageId",
                new { job.ImageId, now }, transaction);
        var image = await connection.QuerySingleAsync<(string Key, string ContentHash, long OriginalPresent, long Version, string? Rects, long? BlursUpdatedAt)>(
            """
            SELECT i.key, i.content_hash, coalesce((SELECT max(up.original_present) FROM uploads up WHERE up.image_id = i.id), 0),
                   i.derivative_version, b.rects, b.updated_at
            FROM images i LEFT JOIN image_blurs b ON b.image_id = i.id WHERE i.id = @ImageId
            """, new { job.ImageId }, transaction);
        await transaction.CommitAsync(cancellation);
        return new IJobQueue.Job(job.Id, kind, job.ImageId, image.Key, image.ContentHash, image.OriginalPresent != 0, (int)image.Version,
            claim, image.Rects ?? "[]", image.BlursUpdatedAt ?? 0);
    }

    public async Task<bool> RenewAsync(IJobQueue.Job job, TimeSpan lease)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE jobs SET lease_until = @until WHERE id = @Id AND state = 'processing' AND claim = @Claim",
            new { until = Now + (long)lease.TotalMilliseconds, job.Id, job.Claim }) > 0;
    }

    public async Task<bool> CompleteAsync(IJobQueue.Job job)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = (NpgsqlTransaction)await connection.BeginTransactionAsync();
        await LockJobFirstAsync(connection, transaction, job);
        // Then the images lock: sequence assembly reads the owner's other images, so two completions must not interleave
        // (SQLite has one writer and gets this for free).
        await PostgresLocks.ImagesAsync(connection, transaction);
        if (!await ImageExistsAsync(connection, transaction, job))
            return false;
        if (!await RemoveClaimedAsync(connection, transaction, job))
            return true; // claimed again after this claim's lease ran out (its node seemed gone): that claim finishes the image
        await sequences.AssignAsync(connection, transaction, job.ImageId);
        await connection.ExecuteAsync("UPDATE images SET state = 'done', failure = NULL, updated_at = @now WHERE id = @ImageId",
            new { job.ImageId, now = Now }, transaction);
        await transaction.CommitAsync();
        return true;
    }

    private static async Task<bool> ImageExistsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IJobQueue.Job job) =>
        await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM images WHERE id = @ImageId", new { job.ImageId }, transaction) > 0;

    public async Task<IJobQueue.Failure> FailAsync(IJobQueue.Job job, string reason)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = (NpgsqlTransaction)await connection.BeginTransactionAsync();
        await LockJobFirstAsync(connection, transaction, job);
        if (!await ImageExistsAsync(connection, transaction, job))
            return IJobQueue.Failure.ImageDeleted;
        if (!await RemoveClaimedAsync(connection, transaction, job))
            return IJobQueue.Failure.ClaimedAgain;
        await connection.ExecuteAsync("UPDATE images SET state = 'failed', failure = @reason, updated_at = @now WHERE id = @ImageId",
            new { job.ImageId, reason, now = Now }, transaction);
        await transaction.CommitAsync();
        return IJobQueue.Failure.Recorded;
    }

    // Only the claim that holds a job finishes it, as on SQLite (where job ids are reused, which they are not here).
    private static async Task<bool> RemoveClaimedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IJobQueue.Job job) =>
        await connection.ExecuteAsync("DELETE FROM jobs WHERE id = @Id AND state = 'processing' AND claim = @Claim",
            new { job.Id, job.Claim }, transaction) == 1;

    public async Task<bool> CompleteRederivationAsync(IJobQueue.Job job, int next)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = (NpgsqlTransaction)await connection.BeginTransactionAsync();
        await LockJobFirstAsync(connection, transaction, job);
        var switched = await connection.ExecuteAsync(
            "UPDATE images SET derivative_version = @next WHERE id = @ImageId AND derivative_version = @DerivativeVersion",
            new { next, job.ImageId, job.DerivativeVersion }, transaction);
        await connection.ExecuteAsync(
            "UPDATE image_blurs SET applied = 1 WHERE image_id = @ImageId AND updated_at = @BlursUpdatedAt",
            new { job.ImageId, job.BlursUpdatedAt }, transaction);
        // Re-queued meanwhile (another approval): the job stays for the newer blurs.
        await connection.ExecuteAsync("DELETE FROM jobs WHERE id = @Id AND state = 'processing' AND claim = @Claim", new { job.Id, job.Claim }, transaction);
        await transaction.CommitAsync();
        return switched == 1;
    }

    // The job's row before the images lock (which the trigger on its image's update takes), as a claim takes them: the
    // order of PostgresLocks.
    private static Task LockJobFirstAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IJobQueue.Job job) =>
        PostgresLocks.JobAsync(connection, transaction, job.Id);

    public async Task DropAsync(IJobQueue.Job job)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM jobs WHERE id = @Id AND state = 'processing' AND claim = @Claim", new { job.Id, job.Claim });
    }
}
