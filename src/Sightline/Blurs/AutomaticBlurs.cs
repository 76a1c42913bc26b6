using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Sightline.Blurs.Detection;
using Sightline.Images;
using Vips = NetVips.Image;

namespace Sightline.Blurs;

/// <summary>Settings of the blurs made at ingest (configuration section <c>Blurs</c>).</summary>
public sealed class BlurOptions
{
    /// <summary>Look for frontal faces in every new photo and blur them in its thumbnails from the start.</summary>
    public bool DetectFaces { get; set; } = true;

    /// <summary>Look for licence plates in every new photo and blur them from the start.</summary>
    public bool DetectPlates { get; set; } = true;

    /// <summary>
    /// The width the detectors scan at (photos are shrunk to it first; the worker decodes them at 2048, so more scans that).
    /// The face cascade's window is 24 pixels and the plate cascade's 60 by 20, so faces and plates smaller than that at
    /// this width are missed; wider scans cost time. 2048 by default: on 12 MP street scenes with faces and plates at 3-25 m
    /// (`Ingest detection` in bench/) recall was 75% of faces (77% with the face scan of issue 14) and 62% of plates at 2048, against 56%/38% at 1536 and
    /// 27%/19% at 1024, for about 3.6 times the CPU of 1024 (issue 14: the smallest width that keeps recall).
    /// </summary>
    public int DetectionWidth { get; set; } = 2048;

    /// <summary>
    /// Threads OpenCV may use inside one detection (its <c>setNumThreads</c>, process-wide); 0 (the default) leaves
    /// OpenCV's own, one per core. Issue 14 tried 1, since the workers already detect in parallel and OpenCV's pthreads pool
    /// serves one caller at a time: by server CPU per photo in bench/ingest.sh it cost more, not less (3.26 against 2.37
    /// and 4.16 against 3.32 CPU s a photo with detection on, side by side under load; 3.05 against 2.99 at load 5), so
    /// OpenCV keeps its pool.
    /// </summary>
    public int DetectionThreads { get; set; }

    public bool DetectsAnything => DetectFaces || DetectPlates;
}

/// <summary>
/// Faces and plates found at ingest: blurred in the very first thumbnails, and recorded as the image's blurs in effect
/// with no deciding user (spec §3.1: <c>user</c> null means the automatic default), already applied.
/// </summary>
public sealed class AutomaticBlurs
{
    private readonly BlurOptions options;
    private readonly IBlurStore blurs;
    private readonly ILogger<AutomaticBlurs> logger;
    // One detector per worker at a time: OpenCV's classifiers are not safe to share between threads.
    private readonly ConcurrentBag<PrivacyDetector> idle = [];
    // Loading OpenCV and parsing the cascades takes a second or two: done beside the start, not in its way.
    private readonly Task<bool> loaded;

    public AutomaticBlurs(IOptions<BlurOptions> options, IBlurStore blurs, ILogger<AutomaticBlurs> logger)
    {
        (this.options, this.blurs, this.logger) = (options.Value, blurs, logger);
        loaded = this.options.DetectsAnything ? Task.Run(Load) : Task.FromResult(false);
    }

    private bool Load()
    {
        try
        {
            if (options.DetectionThreads > 0)
                OpenCvSharp.Cv2.SetNumThreads(options.DetectionThreads);
            idle.Add(NewDetector());
            return true;
        }
        catch (Exception error)
        {
            // The server still runs (uploads, search, manual blurs), but the operator must know photos go out unblurred.
            // One line: the loader's stack trace (30 lines) says nothing the cause does not.
            logger.LogError(
                "Automatic face and plate blurring is OFF: the detectors could not be loaded ({Cause}). Most often OpenCV's native " +
                "library lacks GTK 3: on Debian or Ubuntu apt-get install libgtk-3-0, then restart. Set Blurs:DetectFaces " +
                "and Blurs:DetectPlates to false to silence this.", Cause(error));
            return false;
        }
    }

    // The loader's message lists every path it tried (1,500 characters); the missing library is what the operator needs.
    private static string Cause(Exception error)
    {
        var message = error.GetBaseException().Message.ReplaceLineEndings(" ");
        // The loader tries OpenCvSharpExtern at several paths; a dependency of the one it found is the missing piece.
        var missing = System.Text.RegularExpressions.Regex.Matches(message, @"([\w.+-]+\.so[\w.]*): cannot open shared object file")
            .Select(m => m.Groups[1].Value).OrderBy(name => name.Contains("OpenCvSharpExtern", StringComparison.Ordinal)).FirstOrDefault();
        return missing is not null ? $"{missing} is missing" : message.Length <= 200 ? message : message[..200] + "…";
    }

    private PrivacyDetector NewDetector() =>
        new(options.DetectFaces, options.DetectPlates);

    /// <summary>The detector for <see cref="Derivatives.MakeAsync"/>, collecting what it finds into <paramref name="found"/>; null when switched off.</summary>
    public Func<Vips, IReadOnlyList<BlurArea>>? DetectorInto(List<Blur> found)
    {
        if (!loaded.GetAwaiter().GetResult()) // a worker thread waits here for the first photo only
            return null;
        return image =>
        {
            var detector = idle.TryTake(out var pooled) ? pooled : NewDetector();
            IReadOnlyList<Blur> blurs;
            try
            {
                blurs = detector.Detect(image, options.DetectionWidth);
            }
            finally
            {
                idle.Add(detector);
            }
            found.AddRange(blurs);
            return blurs.Select(b => new BlurArea(b.XMin, b.YMin, b.XMax, b.YMax)).ToList();
        };
    }

    /// <summary>
    /// Frees the idle detectors, called once a burst of processing is over. A detector keeps OpenCV's scan buffers for the
    /// largest photo it scanned (the integral images of every scale: about 100 MB for the plate cascade's fine scale step
    /// at 1024 pixels, 50 MB for faces) for as long as it lives; parsing the cascades again for the next burst costs a
    /// fraction of one photo's processing. Detectors in use stay with their worker.
    /// </summary>
    public int ReleaseIdle()
    {
        var released = 0;
        while (idle.TryTake(out var detector))
        {
            detector.Dispose();
            released++;
        }
        return released;
    }

    /// <summary>Records what the detectors found as the image's blurs in effect (before the image becomes visible).</summary>
    public async Task RecordAsync(long imageId, IReadOnlyList<Blur> found)
    {
        if (found.Count == 0)
            return;
        foreach (var blur in found)
            Observability.SightlineMeter.BlurDetections.Add(1, new KeyValuePair<string, object?>("type", blur.Type));
        await blurs.RecordDetectedAsync(imageId, found);
        logger.LogInformation("Blurred {Faces} detected faces and {Plates} plates in image {ImageId}",
            found.Count(b => b.Type == Blur.Face), found.Count(b => b.Type == Blur.License), imageId);
    }
}
