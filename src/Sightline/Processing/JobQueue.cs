using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Sequences;
using Sightline.Storage;

namespace Sightline.Processing;

/// <summary>
/// The durable queue of images waiting for their derivatives, in SQLite. A job is claimed by flipping it
/// to 'processing' inside a write transaction (SQLite has one writer, so no two workers claim the same job);
/// jobs a crash left 'processing' are put back at start.
/// </summary>
public sealed class JobQueue(Database database, SequenceAssembler sequences)
{
    /// <summary>A claimed job and what its worker needs to know about the image.</summary>
    public sealed record Job(long Id, long ImageId, string ImageKey, string ContentHash, bool OriginalPresent);

    /// <summary>Puts back jobs (and images) that a previous run left half-done; returns how many.</summary>
    public async Task<int> ReclaimAsync()
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var jobs = await connection.ExecuteAsync("UPDATE jobs SET state = 'queued' WHERE state = 'processing'", transaction: transaction);
        await connection.ExecuteAsync("UPDATE images SET state = 'received' WHERE state = 'processing'", transaction: transaction);
        await transaction.CommitAsync();
        return jobs;
    }

    public async Task<Job?> ClaimAsync(CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellation);
        var claimed = await connection.QuerySingleOrDefaultAsync<(long Id, long ImageId)?>(
            """
            UPDATE jobs SET state = 'processing', attempts = attempts + 1
            WHERE id = (SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1)
            RETURNING id, image_id
            """, transaction: transaction);
        if (claimed is not { } job)
            return null;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await connection.ExecuteAsync("UPDATE images SET state = 'processing', updated_at = @now WHERE id = @ImageId",
            new { job.ImageId, now }, transaction);
        var image = await connection.QuerySingleAsync<(string Key, string ContentHash, long OriginalPresent)>(
            """
            SELECT i.key, i.content_hash, coalesce(max(up.original_present), 0)
            FROM images i LEFT JOIN uploads up ON up.image_id = i.id WHERE i.id = @ImageId GROUP BY i.id
            """, new { job.ImageId }, transaction);
        await transaction.CommitAsync(cancellation);
        return new Job(job.Id, job.ImageId, image.Key, image.ContentHash, image.OriginalPresent != 0);
    }

    /// <summary>Marks the image done and places it in a sequence; false when the image was deleted meanwhile.</summary>
    public async Task<bool> CompleteAsync(Job job)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var exists = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM images WHERE id = @ImageId", new { job.ImageId }, transaction);
        if (exists == 0)
            return false;
        await sequences.AssignAsync(connection, transaction, job.ImageId);
        await connection.ExecuteAsync("UPDATE images SET state = 'done', failure = NULL, updated_at = @now WHERE id = @ImageId",
            new { job.ImageId, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
        await connection.ExecuteAsync("DELETE FROM jobs WHERE id = @Id", new { job.Id }, transaction);
        await transaction.CommitAsync();
        return true;
    }

    public async Task FailAsync(Job job, string reason)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("UPDATE images SET state = 'failed', failure = @reason, updated_at = @now WHERE id = @ImageId",
            new { job.ImageId, reason, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
        await connection.ExecuteAsync("DELETE FROM jobs WHERE id = @Id", new { job.Id }, transaction);
        await transaction.CommitAsync();
    }
}
