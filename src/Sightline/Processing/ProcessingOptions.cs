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
    /// On Linux with glibc, the most malloc arenas the process makes from the moment processing starts (0: glibc's own
    /// limit, eight per core). Each thread that decodes or detects would otherwise get an arena of its own, and what a
    /// burst of photos leaves scattered in sixteen arenas stays resident after it (bench/memory): two keep the native
    /// heap small at no measured cost to processing.
    /// </summary>
    public int MallocArenas { get; set; } = 2;

    /// <summary>
    /// On Linux with glibc, a fixed size in KiB from which malloc maps blocks of their own that go back to the system when
    /// freed (0: glibc's dynamic threshold, which rises to 32 MiB after the first large frees and then keeps decoded
    /// photos in the arenas).
    /// </summary>
    public int MallocMmapThresholdKilobytes { get; set; }

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
