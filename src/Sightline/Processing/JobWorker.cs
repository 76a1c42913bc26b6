using Microsoft.Extensions.Options;
using NetVips;
using Sightline.Blurs;
using Sightline.Images;
using Sightline.Storage;

namespace Sightline.Processing;

/// <summary>
/// Runs the job queue: makes each received image's thumbnails, then lets it into its sequence as done; and makes an
/// image's thumbnails again once blurs are applied to it (<see cref="BlurRederivation"/>).
/// </summary>
public sealed class JobWorker(
    IJobQueue queue, JobSignal signal, ScratchFiles scratch, IBlobStore blobs, ImageFiles files, Derivatives derivatives,
    AutomaticBlurs automaticBlurs, BlurRederivation rederivation, Uploads.IUploadStore uploads, IOptions<ProcessingOptions> options, ILogger<JobWorker> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellation)
    {
        // Before the server takes requests: nothing else is writing scratch files or claiming jobs yet.
        scratch.Clear();
        var reclaimed = await queue.ReleaseAbandonedAsync();
        if (reclaimed > 0)
            logger.LogInformation("Put back {Count} jobs left in processing by the previous run", reclaimed);
        var swept = await SweepOrphanedOriginalsAsync();
        if (swept > 0)
            logger.LogInformation("Removed {Count} originals no upload refers to (left by a crash between storing and recording them)", swept);
        await FinishRemovalsAsync();
        await base.StartAsync(cancellation);
    }

    // A process killed between committing a deletion and removing its original leaves the file and its removal hold: once
    // the hold has expired, the original is removed here if nothing needs it (the durability audit found one such file
    // still there after 15 restarts). At start, and every minute (the holds table is small, unlike a listing of originals).
    private async Task FinishRemovalsAsync()
    {
        var hashes = await uploads.DropExpiredRemovalHoldsAsync();
        if (hashes.Count == 0)
            return;
        var removals = await uploads.HoldUnusedAsync(hashes);
        foreach (var removal in removals)
            await files.RemoveOriginalAsync(removal);
        if (removals.Count > 0)
            logger.LogInformation("Removed {Count} originals whose deletion a stopped process had not finished", removals.Count);
    }

    private async Task FinishRemovalsPeriodicallyAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await FinishRemovalsAsync();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not finish the removal of originals; trying again in a minute");
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    // A crash between the original's rename and the upload's commit leaves a file nobody refers to. Only files older
    // than a grace period go: an import or admin command running beside the start may be between the two steps.
    private async Task<int> SweepOrphanedOriginalsAsync()
    {
        var swept = 0;
        var olderThan = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(Math.Max(0, options.Value.OrphanGraceMinutes));
        var batch = new List<string>(500);
        await foreach (var blob in blobs.ListAsync(ImageFiles.OriginalsPrefix))
        {
            if (blob.LastModified >= olderThan || ImageFiles.ContentHashOf(blob.Key) is not { } hash)
                continue;
            batch.Add(hash);
            if (batch.Count == 500)
                swept += await SweepAsync(batch);
        }
        return swept + await SweepAsync(batch);
    }

    private async Task<int> SweepAsync(List<string> batch)
    {
        if (batch.Count == 0)
            return 0;
        var orphans = await uploads.HoldUnusedAsync(batch);
        foreach (var orphan in orphans)
            await files.RemoveOriginalAsync(orphan);
        batch.Clear();
        return orphans.Count;
    }

    // Zero workers receives uploads without processing them (maintenance, and tests of the queue). Each worker keeps a
    // second job in hand (issue 14): while one photo is rendered on a photo thread, the other's thumbnails are written and
    // fsynced and its rows committed, so the photo threads (as many as workers) never wait for the disk or the database.
    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Task.WhenAll(Enumerable.Range(0, 2 * Math.Max(0, options.Value.Workers)).Select(_ => Task.Run(() => RunAsync(stopping), stopping))
            .Append(FinishRemovalsPeriodicallyAsync(stopping)));

    // Set by any worker that processed a photo; the first to find the queue empty afterwards gives the memory back.
    private int processedSinceRelease;

    private async Task RunAsync(CancellationToken stopping)
    {
        var idle = TimeSpan.FromSeconds(options.Value.IdlePollSeconds);
        var lease = TimeSpan.FromSeconds(options.Value.LeaseSeconds);
        var emptyClaims = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await queue.ClaimAsync(lease, stopping) is { } job)
                {
                    emptyClaims = 0;
                    using (var done = new CancellationTokenSource())
                    {
                        var renewing = RenewWhileRunningAsync(job, lease, done.Token);
                        try
                        {
                            if (job.Kind == JobKind.Rederivatives)
                                await rederivation.ProcessAsync(job);
                            else
                                await ProcessAsync(job);
                        }
                        finally
                        {
                            await done.CancelAsync();
                            await renewing;
                        }
                    }
                    Volatile.Write(ref processedSinceRelease, 1);
                    signal.Notify(); // there may be more queued than one wake-up said
                }
                else
                {
                    // The second empty claim in a row (a wait apart): the burst is over. Not after every photo, so a
                    // steady trickle of uploads does not pay a full collection each.
                    if (++emptyClaims >= 2 && Interlocked.Exchange(ref processedSinceRelease, 0) == 1)
                    {
                        var detectors = automaticBlurs.ReleaseIdle();
                        logger.LogInformation("Queue empty: {Detectors} idle detectors freed, memory given back ({Released})",
                            detectors, MemoryRelease.AfterBurst());
                    }
                    await signal.WaitAsync(idle, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogError(error, "Job worker failed; retrying shortly");
                await signal.WaitAsync(idle, stopping);
            }
        }
    }

    // A job that takes longer than its lease must not be claimed by another worker meanwhile: renewed every third of it.
    private async Task RenewWhileRunningAsync(IJobQueue.Job job, TimeSpan lease, CancellationToken done)
    {
        while (true)
        {
            try
            {
                await Task.Delay(lease / 3, done);
                if (!await queue.RenewAsync(job, lease))
                    return; // the claim is gone (the job finished or was reclaimed): nothing left to hold
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Lease of job {Job} could not be renewed", job.Id);
            }
        }
    }

    private async Task ProcessAsync(IJobQueue.Job job)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await ProcessOnceAsync(job);
        Observability.SightlineMeter.JobDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("outcome", outcome));
    }

    // Faces and plates are blurred in the first thumbnails already: no unblurred public derivative ever exists. The decode
    // is strict, so a photo with pixels missing fails (and its uploader reads why) instead of going out grey; one whose
    // decoder only warned of something it survives (extraneous bytes, as some phones write) is read again without failing.
    private async Task MakeDerivativesAsync(IJobQueue.Job job, Blob original, List<Blur> detected)
    {
        try
        {
            await using (original.Content)
                await derivatives.MakeAsync(job.ImageKey, original.Content, detect: automaticBlurs.DetectorInto(detected), strict: true);
        }
        catch (VipsException error) when (!Derivatives.IsMissingData(error))
        {
            logger.LogInformation("Image {Image}: the JPEG decoder warned ({Warning}); decoded again, tolerating warnings", job.ImageKey,
                error.Message.ReplaceLineEndings(" ").Trim());
            detected.Clear();
            var again = await blobs.OpenReadAsync(ImageFiles.OriginalKey(job.ContentHash))
                        ?? throw new IOException("the original was removed while it was processed");
            await using (again.Content)
                await derivatives.MakeAsync(job.ImageKey, again.Content, detect: automaticBlurs.DetectorInto(detected));
        }
    }

    // The outcome names the metric's tag: done, failed (the photo), or deleted (while it was processed).
    private async Task<string> ProcessOnceAsync(IJobQueue.Job job)
    {
        using var subject = Observability.PhotoWarnings.About($"image {job.ImageKey}");
        var original = job.OriginalPresent ? await blobs.OpenReadAsync(ImageFiles.OriginalKey(job.ContentHash)) : null;
        if (original is null)
        {
            await queue.FailAsync(job, "the original was removed before it was processed");
            return "failed";
        }
        var detected = new List<Blur>();
        try
        {
            await MakeDerivativesAsync(job, original, detected);
        }
        catch (VipsException error)
        {
            logger.LogWarning(error, "Image {Image} could not be decoded", job.ImageKey);
            return await FailWithDerivativesAsync(job, "the photo could not be decoded");
        }
        catch (IOException error)
        {
            // Disk full, or the image deleted (with its folder) while we wrote: either way this image stops here.
            logger.LogError(error, "Thumbnails of image {Image} could not be written", job.ImageKey);
            return await FailWithDerivativesAsync(job, "the thumbnails could not be written");
        }
        var recording = System.Diagnostics.Stopwatch.GetTimestamp();
        await automaticBlurs.RecordAsync(job.ImageId, detected);
        var completed = await queue.CompleteAsync(job);
        logger.LogDebug("Image {Image}: blurs recorded and job completed (sequence assigned) in {Complete:F0} ms",
            job.ImageKey, System.Diagnostics.Stopwatch.GetElapsedTime(recording).TotalMilliseconds);
        if (!completed)
            await files.DeleteDerivativesAsync(job.ImageKey); // deleted while we worked
        return completed ? "done" : "deleted";
    }

    // The failed photo's partial thumbnails go once the failure is recorded (or the image is gone), but not when another
    // worker claimed the job again after this one's lease ran out: they would be that worker's, written meanwhile. A
    // process that dies in between leaves files of a failed image, which the image's deletion removes.
    private async Task<string> FailWithDerivativesAsync(IJobQueue.Job job, string reason)
    {
        if (await queue.FailAsync(job, reason) != IJobQueue.Failure.ClaimedAgain)
            await files.DeleteDerivativesAsync(job.ImageKey);
        return "failed";
    }
}
