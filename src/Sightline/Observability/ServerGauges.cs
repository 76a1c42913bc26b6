using System.Diagnostics.Metrics;
using Sightline.Search.Index;
using Sightline.Storage;

namespace Sightline.Observability;

/// <summary>Gauges read when Prometheus scrapes: the processing queue's depth, the search index's size and its lag behind the change feed.</summary>
public sealed class ServerGauges : IDisposable
{
    public const string MeterName = "Sightline.Gauges";

    private readonly Meter meter;

    public ServerGauges(IMeterFactory meters, OperationsStore operations, ImageIndex index)
    {
        meter = meters.Create(MeterName);
        meter.CreateObservableGauge("sightline.processing.queue.depth", () => operations.QueuedJobs(), "{job}",
            "Photos waiting for or in processing");
        meter.CreateObservableGauge("sightline.search.index.images", () => index.IsLoaded ? index.Count : 0, "{image}",
            "Images in the in-memory search index");
        meter.CreateObservableGauge("sightline.search.changefeed.lag",
            () => index.IsLoaded ? Math.Max(0, operations.LastSearchChange() - index.AppliedChange) : 0, "{change}",
            "Changes recorded in the search change feed that the index has not applied yet");
    }

    public void Dispose() => meter.Dispose();
}
