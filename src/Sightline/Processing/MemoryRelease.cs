using System.Runtime;
using System.Runtime.InteropServices;

namespace Sightline.Processing;

/// <summary>
/// Gives memory back to the system once a burst of processing is over. Decoding photos leaves two kinds of memory behind
/// that nothing else returns while the server idles: the large pixel and JPEG arrays on the managed large-object heap
/// (garbage, but no allocation comes to trigger the collection that would free them), and the native heap glibc's malloc
/// keeps in its per-thread arenas after libvips and OpenCV freed their buffers. One aggressive collection and one
/// <c>malloc_trim</c> release both.
/// </summary>
public static partial class MemoryRelease
{
    private static bool trimUnavailable;

    /// <summary>What one release did: resident set and managed heap before and after, in bytes.</summary>
    public readonly record struct Released(long ResidentBefore, long ResidentAfter, long HeapBefore, long HeapAfter)
    {
        public override string ToString() =>
            $"resident {ResidentBefore >> 20} -> {ResidentAfter >> 20} MiB, managed heap {HeapBefore >> 20} -> {HeapAfter >> 20} MiB";
    }

    public static Released AfterBurst()
    {
        var residentBefore = Resident();
        var heapBefore = GC.GetGCMemoryInfo().HeapSizeBytes;
        Release();
        return new Released(residentBefore, Resident(), heapBefore, GC.GetGCMemoryInfo().HeapSizeBytes);
    }

    private static long Resident()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }

    private static void Release()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux() || trimUnavailable)
            return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception error) when (error is EntryPointNotFoundException or DllNotFoundException)
        {
            trimUnavailable = true; // not glibc (musl has no malloc_trim): nothing to trim this way
        }
    }

    /// <summary>
    /// Sets glibc's arena limit and mmap threshold (<see cref="ProcessingOptions.MallocArenas"/>,
    /// <see cref="ProcessingOptions.MallocMmapThresholdKilobytes"/>) before the photo threads start; what it could not set
    /// is said in the returned text, null when everything was set or nothing was asked.
    /// </summary>
    public static string? ShapeNativeHeap(ProcessingOptions options)
    {
        if (!OperatingSystem.IsLinux() || (options.MallocArenas <= 0 && options.MallocMmapThresholdKilobytes <= 0))
            return null;
        try
        {
            var failed = new List<string>();
            if (options.MallocArenas > 0 && MallOpt(ArenaMax, options.MallocArenas) != 1)
                failed.Add("arena limit");
            if (options.MallocMmapThresholdKilobytes > 0 && MallOpt(MmapThreshold, options.MallocMmapThresholdKilobytes * 1024) != 1)
                failed.Add("mmap threshold");
            return failed.Count == 0 ? null : $"malloc refused the {string.Join(" and ", failed)}";
        }
        catch (Exception error) when (error is EntryPointNotFoundException or DllNotFoundException)
        {
            return "not glibc: the native heap keeps its own defaults";
        }
    }

    // mallopt(3) parameters of glibc's malloc.h.
    private const int MmapThreshold = -3, ArenaMax = -8;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
