using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using NetVips;
using Sightline.Images;
using Sightline.Processing;
using Sightline.Storage;

namespace Sightline.Blurs;

/// <summary>
/// Makes an image's public derivatives again once blurs are applied to it: a new set of files with the blurs in
/// every size, then the image switches to that set (new ETags), then the old files go. The original is only read.
/// The queue is the durable <c>rederive_jobs</c> table, so a crash leaves the job to be done at the next start.
/// </summary>
public sealed class BlurWorker(
    Database database, ImageFiles files, Derivatives derivatives, BlurSignal signal,
    IOptions<ProcessingOptions> options, ILogger<BlurWorker> logger) : BackgroundService
{
    private sealed record Job(long Id, long ImageId, string ImageKey, string ContentHash, long Version, string Rects, long BlursUpdatedAt);

    public override async Task StartAsync(CancellationToken cancellation)
    {
        await using (var connection = await database.OpenAsync(cancellation))
            await connection.ExecuteAsync("UPDATE rederive_jobs SET state = 'queued' WHERE state = 'processing'");
        await base.StartAsync(cancellation);
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        if (options.Value.Workers <= 0)
            return; // queue only, as for the derivative worker
        var idle = TimeSpan.FromSeconds(options.Value.IdlePollSeconds);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await ClaimAsync(stopping) is { } job)
                    await ProcessAsync(job);
                else
                    await signal.WaitAsync(idle, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogError(error, "Blur worker failed; retrying shortly");
                await signal.WaitAsync(idle, stopping);
            }
        }
    }

    private async Task<Job?> ClaimAsync(CancellationToken cancellation)
    {
        await using var connection = await database.OpenAsync(cancellation);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellation);
        var claimed = await connection.QuerySingleOrDefaultAsync<(long Id, long ImageId)?>(
            """
            UPDATE rederive_jobs SET state = 'processing'
            WHERE id = (SELECT id FROM rederive_jobs WHERE state = 'queued' ORDER BY id LIMIT 1)
            RETURNING id, image_id
            """, transaction: transaction);
        if (claimed is not { } row)
            return null;
        var job = await connection.QuerySingleAsync<Job>(
            """
            SELECT @Id AS Id, i.id AS ImageId, i.key AS ImageKey, i.content_hash AS ContentHash, i.derivative_version AS Version,
                   b.rects AS Rects, b.updated_at AS BlursUpdatedAt
            FROM images i JOIN image_blurs b ON b.image_id = i.id WHERE i.id = @ImageId
            """, new { row.Id, row.ImageId }, transaction);
        await transaction.CommitAsync(cancellation);
        return job;
    }

    private async Task ProcessAsync(Job job)
    {
        var next = (int)job.Version + 1;
        var areas = Blur.FromJson(job.Rects).Select(b => new BlurArea(b.XMin, b.YMin, b.XMax, b.YMax)).ToList();
        // The original when it is still kept; otherwise the current largest thumbnail (already upright, and any
        // earlier blurs stay blurred, which is the safe side).
        var original = files.OriginalPath(job.ContentHash);
        var source = File.Exists(original) ? original : files.ThumbnailPath(job.ImageKey, ImageFiles.ThumbnailWidths.Max(), (int)job.Version);
        try
        {
            derivatives.Make(job.ImageKey, source, areas, next);
        }
        catch (Exception error) when (error is VipsException or IOException)
        {
            logger.LogError(error, "Blurred thumbnails of image {Image} could not be made", job.ImageKey);
            foreach (var width in ImageFiles.ThumbnailWidths)
                File.Delete(files.ThumbnailPath(job.ImageKey, width, next));
            await using var failed = await database.OpenAsync();
            await failed.ExecuteAsync("DELETE FROM rederive_jobs WHERE id = @Id AND state = 'processing'", new { job.Id });
            return;
        }

        await using var connection = await database.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var switched = await connection.ExecuteAsync(
            "UPDATE images SET derivative_version = @next WHERE id = @ImageId AND derivative_version = @Version",
            new { next, job.ImageId, job.Version }, transaction);
        await connection.ExecuteAsync(
            "UPDATE image_blurs SET applied = 1 WHERE image_id = @ImageId AND updated_at = @BlursUpdatedAt",
            new { job.ImageId, job.BlursUpdatedAt }, transaction);
        // Re-queued meanwhile (another approval): the job stays for the newer blurs.
        await connection.ExecuteAsync("DELETE FROM rederive_jobs WHERE id = @Id AND state = 'processing'", new { job.Id }, transaction);
        await transaction.CommitAsync();

        var stale = switched == 1 ? (int)job.Version : next; // the image was deleted meanwhile: drop what we made
        foreach (var width in ImageFiles.ThumbnailWidths)
        {
            var path = files.ThumbnailPath(job.ImageKey, width, stale);
            if (File.Exists(path))
                File.Delete(path);
        }
        signal.Notify();
    }
}
