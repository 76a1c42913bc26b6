using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Processing;

namespace Sightline.Storage.Sqlite;

/// <summary>
/// The job queue in SQLite. A job is claimed by flipping it to 'processing' with a lease inside a write transaction
/// (SQLite has one writer, so no two workers claim the same job). Each claim names the claiming server's
/// <see cref="SqliteNodeSlot"/>, so that at start a server puts back only what a dead server left half-done (its own
/// previous run, or another that died), never the jobs a second live server on the same data folder is working on.
/// </summary>
public sealed class SqliteJobQueue(Database database, SequenceAssembler sequences, SqliteNodeSlot slot, TimeProvider clock) : IJobQueue
{
    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<int> ReleaseAbandonedAsync()
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var processing = await connection.QueryAsync<(long Id, string? Claim)>(
            "SELECT id, claim FROM jobs WHERE state = 'processing'", transaction: transaction);
        // A job stays claimed while another live process holds its claim's slot; each slot's lock file is probed once.
        var live = new Dictionary<int, bool>();
        bool HeldElsewhere(int number) =>
            number != slot.Number && (live.TryGetValue(number, out var held) ? held : live[number] = slot.IsHeld(number));
        var abandoned = processing.Where(job => !(ClaimingSlot(job.Claim) is { } number && HeldElsewhere(number)))
            .Select(job => job.Id).ToList();
        if (abandoned.Count == 0)
            return 0;
        await connection.ExecuteAsync(
            "UPDATE images SET state = 'received' WHERE state = 'processing' AND id IN (SELECT image_id FROM jobs WHERE id IN @abandoned)",
            new { abandoned }, transaction);
        var jobs = await connection.ExecuteAsync(
            "UPDATE jobs SET state = 'queued', lease_until = NULL, claim = NULL WHERE id IN @abandoned", new { abandoned }, transaction);
        await transaction.CommitAsync();
        return jobs;
    }

    // "<slot>:<random>"; a claim without a slot (made before slots) names none, and its job is put back as before.
    private static int? ClaimingSlot(string? claim) =>
        claim?.IndexOf(':') is > 0 and var colon && int.TryParse(claim.AsSpan(0, colon), out var number) ? number : null;

    public async Task<IJobQueue.Job?> ClaimAsync(TimeSpan lease, CancellationToken cancellation)
    {
        var now = Now;
        var claim = $"{slot.Number}:{RandomKey.New()}";
        await using var connection = await database.OpenWriterAsync(cancellation);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellation);
        var claimed = await connection.QuerySingleOrDefaultAsync<(long Id, long ImageId, string Kind)?>(
            """
            UPDATE jobs SET state = 'processing', attempts = attempts + 1, lease_until = @until, claim = @claim
            WHERE id = coalesce(
                (SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1),
                (SELECT id FROM jobs WHERE state = 'processing' AND coalesce(lease_until, 0) < @now ORDER BY id LIMIT 1))
            RETURNING id, image_id, kind
            """, new { now, until = now + (long)lease.TotalMilliseconds, claim }, transaction);
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
        await using var connection = await database.OpenWriterAsync();
        return await connection.ExecuteAsync(
            "UPDATE jobs SET lease_until = @until WHERE id = @Id AND state = 'processing' AND claim = @Claim",
            new { until = Now + (long)lease.TotalMilliseconds, job.Id, job.Claim }) > 0;
    }

    public async Task<bool> CompleteAsync(IJobQueue.Job job)
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        if (!await ImageExistsAsync(connection, transaction, job))
            return false;
        if (!await RemoveClaimedAsync(connection, transaction, job))
            return true; // claimed again after this claim's lease ran out: that claim finishes the image
        await sequences.AssignAsync(connection, transaction, job.ImageId);
        await connection.ExecuteAsync("UPDATE images SET state = 'done', failure = NULL, updated_at = @now WHERE id = @ImageId",
            new { job.ImageId, now = Now }, transaction);
        await transaction.CommitAsync();
        return true;
    }

    // The job's image is still there (matched by key as well: an id alone could be another image's, see RemoveClaimedAsync).
    private static async Task<bool> ImageExistsAsync(SqliteConnection connection, SqliteTransaction transaction, IJobQueue.Job job) =>
        await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM images WHERE id = @ImageId AND key = @ImageKey", new { job.ImageId, job.ImageKey }, transaction) > 0;

    public async Task<IJobQueue.Failure> FailAsync(IJobQueue.Job job, string reason)
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        if (!await ImageExistsAsync(connection, transaction, job))
            return IJobQueue.Failure.ImageDeleted;
        if (!await RemoveClaimedAsync(connection, transaction, job))
            return IJobQueue.Failure.ClaimedAgain;
        await connection.ExecuteAsync("UPDATE images SET state = 'failed', failure = @reason, updated_at = @now WHERE id = @ImageId",
            new { job.ImageId, reason, now = Now }, transaction);
        await transaction.CommitAsync();
        return IJobQueue.Failure.Recorded;
    }

    // Only the claim that holds a job finishes it. A job id is SQLite's largest plus one, so the id of a job deleted with its
    // image goes to the next upload's job: a worker finishing the deleted photo must not remove the new photo's job with it.
    private static async Task<bool> RemoveClaimedAsync(SqliteConnection connection, SqliteTransaction transaction, IJobQueue.Job job) =>
        await connection.ExecuteAsync("DELETE FROM jobs WHERE id = @Id AND state = 'processing' AND claim = @Claim",
            new { job.Id, job.Claim }, transaction) == 1;

    public async Task<bool> CompleteRederivationAsync(IJobQueue.Job job, int next)
    {
        await using var connection = await database.OpenWriterAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
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

    public async Task DropAsync(IJobQueue.Job job)
    {
        await using var connection = await database.OpenWriterAsync();
        await connection.ExecuteAsync("DELETE FROM jobs WHERE id = @Id AND state = 'processing' AND claim = @Claim", new { job.Id, job.Claim });
    }
}
