using NetVips;
using Sightline.Images;
using Sightline.Processing;
using Sightline.Storage;

namespace Sightline.Blurs;

/// <summary>
/// Makes an image's public derivatives again once blurs are applied to it: a new set of files with the blurs in
/// every size, then the image switches to that set (new ETags), then the old files go. The original is only read.
/// The work is a job of the one queue (<see cref="IJobQueue"/>), so a crash leaves it to be done again.
/// </summary>
public sealed class BlurRederivation(IJobQueue queue, IBlobStore blobs, ImageFiles files, Derivatives derivatives, ILogger<BlurRederivation> logger)
{
    public async Task ProcessAsync(IJobQueue.Job job)
    {
        var next = job.DerivativeVersion + 1;
        var areas = Blur.FromJson(job.BlurRects ?? "[]").Select(b => new BlurArea(b.XMin, b.YMin, b.XMax, b.YMax)).ToList();
        try
        {
            // The original when it is still kept; otherwise the current largest thumbnail (already upright, and any
            // earlier blurs stay blurred, which is the safe side).
            var source = await blobs.OpenReadAsync(ImageFiles.OriginalKey(job.ContentHash))
                ?? await blobs.OpenReadAsync(ImageFiles.ThumbnailKey(job.ImageKey, ImageFiles.ThumbnailWidths.Max(), job.DerivativeVersion))
                ?? throw new IOException("neither the original nor the largest thumbnail is there");
            await using (source.Content)
                await derivatives.MakeAsync(job.ImageKey, source.Content, areas, next);
        }
        catch (Exception error) when (error is VipsException or IOException)
        {
            logger.LogError(error, "Blurred thumbnails of image {Image} could not be made", job.ImageKey);
            await files.DeleteThumbnailsAsync(job.ImageKey, next);
            await queue.DropAsync(job);
            return;
        }

        var switched = await queue.CompleteRederivationAsync(job, next);
        await files.DeleteThumbnailsAsync(job.ImageKey, switched ? job.DerivativeVersion : next); // deleted meanwhile: drop what we made
    }
}
