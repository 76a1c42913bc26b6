namespace Sightline.Processing;

/// <summary>How the job workers run (configuration section <c>Processing</c>).</summary>
public sealed class ProcessingOptions
{
    /// <summary>Parallel workers; 0 queues uploads without processing them.</summary>
    public int Workers { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// How much lower than the process's own nice value the threads that decode and resize photos run, on Linux (at most
    /// nice 19): 10 by default, so requests come first under load and photos take what CPU is left; 0 lets them compete
    /// with requests as equals.
    /// </summary>
    public int Nice { get; set; } = 10;

    /// <summary>
    /// Threads libvips runs each photo's pipeline with (decode, resize, encode); 0, the default, shares the cores among the
    /// workers: the cores divided by <see cref="Workers"/>, at least 1. The workers already keep every core busy with a photo
    /// each, so more threads per photo only add hand-offs between them and, at a lowered priority on a shared machine,
    /// preemptions (issue 14, bench/README.md "Ingest"). A lone photo then takes longer on an idle server; a burst does not.
    /// </summary>
    public int VipsThreads { get; set; }

    /// <summary>The threads per photo pipeline <see cref="VipsThreads"/> asks for, with 0 resolved.</summary>
    public int VipsThreadsPerPhoto(int cores) =>
        VipsThreads > 0 ? VipsThreads : Math.Max(1, cores / Math.Max(1, Workers));

    /// <summary>How often an idle worker looks at the queue when nobody woke it.</summary>
    public double IdlePollSeconds { get; set; } = 2;

    /// <summary>
    /// How long a claimed job is a worker's own; after that another worker (or node) may claim it again. The worker renews
    /// it every third of this while the job runs, so it bounds how long a job of a vanished node waits, not how long a job
    /// may take. On PostgreSQL a node that died is noticed sooner, by its session lock (PostgresJobNodes).
    /// </summary>
    public double LeaseSeconds { get; set; } = 60;

    /// <summary>Originals no upload refers to are removed at start once they are this old (issue 13).</summary>
    public double OrphanGraceMinutes { get; set; } = 10;
}
