using System.Diagnostics.Metrics;

namespace Sightline.Observability;

/// <summary>
/// Sightline's own counters and histograms. Static (the usual pattern for a library's Meter) so that the code paths that
/// count (budget, uploads, the worker, the detectors) need one line and no new constructor parameter; nothing is
/// collected unless the OpenTelemetry exporter is on (<c>Metrics:Enabled=true</c>).
/// </summary>
public static class SightlineMeter
{
    public const string Name = "Sightline";

    private static readonly Meter Meter = new(Name, Status.ServerVersion.Current);

    /// <summary>Requests refused with 429, tagged with the budget that was spent (address, application, token).</summary>
    public static readonly Counter<long> BudgetRefusals =
        Meter.CreateCounter<long>("sightline.budget.refusals", "{request}", "Requests refused because a budget was spent (429), by budget kind");

    public static readonly Counter<long> UploadedBytes =
        Meter.CreateCounter<long>("sightline.upload.bytes", "By", "Bytes of photos received and stored");

    public static readonly Counter<long> UploadedPhotos =
        Meter.CreateCounter<long>("sightline.upload.photos", "{photo}", "Photos received and stored");

    public static readonly Histogram<double> JobDuration =
        Meter.CreateHistogram<double>("sightline.processing.job.duration", "s", "Time to process one photo (thumbnails, detection), by outcome");

    public static readonly Counter<long> BlurDetections =
        Meter.CreateCounter<long>("sightline.blur.detections", "{detection}", "Faces and plates found and blurred at ingest, by type");
}
