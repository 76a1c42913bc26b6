using Microsoft.Extensions.Options;
using NetVips;
using Sightline.Blurs;
using Sightline.Images;

namespace Sightline.Processing;

/// <summary>Runs the job queue: makes each received image's thumbnails, then lets it into its sequence as done.</summary>
public sealed class DerivativeWorker(
    JobQueue queue, JobSignal signal, ImageFiles files, Derivatives derivatives, AutomaticBlurs automaticBlurs,
    Uploads.UploadStore uploads, IOptions<ProcessingOptions> options, ILogger<DerivativeWorker> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellation)
    {
        // Before the server takes requests: nothing else is writing to tmp/ or claiming jobs yet.
        files.ClearTemp();
        var reclaimed = await queue.ReclaimAsync();
        if (reclaimed > 0)
            logger.LogInformation("Put back {Count} jobs left in processing by the previous run", reclaimed);
        var swept = await SweepOrphanedOriginalsAsync();
        if (swept > 0)
            logger.LogInformation("Removed {Count} originals no upload refers to (left by a crash between storing and recording them)", swept);
        await base.StartAsync(cancellation);
    }

    // A crash between the original's rename and the upload's commit leaves a file nobody refers to. Only files older
    // than a grace period go: an import or admin command running beside the start may be between the two steps.
    private async Task<int> SweepOrphanedOriginalsAsync()
    {
        var swept = 0;
        var olderThan = DateTime.UtcNow - TimeSpan.FromMinutes(Math.Max(0, options.Value.OrphanGraceMinutes));
        foreach (var batch in files.OriginalBatches(olderThan))
        {
            var used = await uploads.OriginalsInUseAsync(batch);
            foreach (var hash in batch.Where(h => !used.Contains(h)))
            {
                files.DeleteOriginal(hash);
                swept++;
            }
        }
        return swept;
    }

    // Zero workers receives uploads without processing them (maintenance, and tests of the queue).
    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(0, options.Value.Workers)).Select(_ => Task.Run(() => RunAsync(stopping), stopping)));

    private async Task RunAsync(CancellationToken stopping)
    {
        var idle = TimeSpan.FromSeconds(options.Value.IdlePollSeconds);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await queue.ClaimAsync(stopping) is { } job)
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
                logger.LogError(error, "Derivative worker failed; retrying shortly");
                await signal.WaitAsync(idle, stopping);
            }
        }
    }

    private async Task ProcessAsync(JobQueue.Job job)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await ProcessOnceAsync(job);
        Observability.SightlineMeter.JobDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("outcome", outcome));
    }

    // The outcome names the metric's tag: done, failed (the photo), or deleted (while it was processed).
    private async Task<string> ProcessOnceAsync(JobQueue.Job job)
    {
        using var subject = Observability.PhotoWarnings.About($"image {job.ImageKey}");
        var original = files.OriginalPath(job.ContentHash);
        if (!job.OriginalPresent || !File.Exists(original))
        {
            await queue.FailAsync(job, "the original was removed before it was processed");
            return "failed";
        }
        var detected = new List<Blur>();
        try
        {
            // Faces and plates are blurred in the first thumbnails already: no unblurred public derivative ever exists.
            derivatives.Make(job.ImageKey, original, detect: automaticBlurs.DetectorInto(detected));
        }
        catch (VipsException error)
        {
            logger.LogWarning(error, "Image {Image} could not be decoded", job.ImageKey);
            files.DeleteDerivatives(job.ImageKey);
            await queue.FailAsync(job, "the photo could not be decoded");
            return "failed";
        }
        catch (IOException error)
        {
            // Disk full, or the image deleted (with its folder) while we wrote: either way this image stops here.
            logger.LogError(error, "Thumbnails of image {Image} could not be written", job.ImageKey);
            files.DeleteDerivatives(job.ImageKey);
            await queue.FailAsync(job, "the thumbnails could not be written");
            return "failed";
        }
        await automaticBlurs.RecordAsync(job.ImageId, detected);
        var completed = await queue.CompleteAsync(job);
        if (!completed)
            files.DeleteDerivatives(job.ImageKey); // deleted while we worked
        signal.Notify(); // there may be more queued than one wake-up said
        return completed ? "done" : "deleted";
    }
}
