using Microsoft.Extensions.Options;
using NetVips;
using Sightline.Blurs;
using Sightline.Images;

namespace Sightline.Processing;

/// <summary>Runs the job queue: makes each received image's thumbnails, then lets it into its sequence as done.</summary>
public sealed class DerivativeWorker(
    JobQueue queue, JobSignal signal, ImageFiles files, Derivatives derivatives, AutomaticBlurs automaticBlurs,
    IOptions<ProcessingOptions> options, ILogger<DerivativeWorker> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellation)
    {
        // Before the server takes requests: nothing else is writing to tmp/ or claiming jobs yet.
        files.ClearTemp();
        var reclaimed = await queue.ReclaimAsync();
        if (reclaimed > 0)
            logger.LogInformation("Put back {Count} jobs left in processing by the previous run", reclaimed);
        await base.StartAsync(cancellation);
    }

    // Zero workers receives uploads without processing them (maintenance, and tests of the queue).
    protected override Task ExecuteAsync(CancellationToken stopping) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(0, options.Value.Workers)).Select(_ => Task.Run(() => RunAsync(stopping), stopping)));

    // Set by any worker that processed a photo; the first to find the queue empty afterwards gives the memory back.
    private int processedSinceRelease;

    private async Task RunAsync(CancellationToken stopping)
    {
        var idle = TimeSpan.FromSeconds(options.Value.IdlePollSeconds);
        var emptyClaims = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await queue.ClaimAsync(stopping) is { } job)
                {
                    emptyClaims = 0;
                    await ProcessAsync(job);
                    Volatile.Write(ref processedSinceRelease, 1);
                }
                else
                {
                    // The second empty claim in a row (a wait apart): the burst is over. Not after every photo, so a
                    // steady trickle of uploads does not pay a full collection each.
                    if (++emptyClaims >= 2 && Interlocked.Exchange(ref processedSinceRelease, 0) == 1)
                        logger.LogInformation("Queue empty: memory given back ({Released})", MemoryRelease.AfterBurst());
                    await signal.WaitAsync(idle, stopping);
                }
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
        var original = files.OriginalPath(job.ContentHash);
        if (!job.OriginalPresent || !File.Exists(original))
        {
            await queue.FailAsync(job, "the original was removed before it was processed");
            return;
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
            return;
        }
        catch (IOException error)
        {
            // Disk full, or the image deleted (with its folder) while we wrote: either way this image stops here.
            logger.LogError(error, "Thumbnails of image {Image} could not be written", job.ImageKey);
            files.DeleteDerivatives(job.ImageKey);
            await queue.FailAsync(job, "the thumbnails could not be written");
            return;
        }
        await automaticBlurs.RecordAsync(job.ImageId, detected);
        if (!await queue.CompleteAsync(job))
            files.DeleteDerivatives(job.ImageKey); // deleted while we worked
        signal.Notify(); // there may be more queued than one wake-up said
    }
}
