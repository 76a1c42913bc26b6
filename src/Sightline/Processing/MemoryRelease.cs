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
    /// Limits glibc's malloc to <see cref="Arenas"/> arenas, unless <c>MALLOC_ARENA_MAX</c> says otherwise; called first
    /// thing in the process, before the runtime's and the server's threads allocate. Left alone, glibc gives each thread
    /// that allocates an arena of its own, up to eight per core, and what a burst of photos (libvips, OpenCV) leaves
    /// scattered across them stays resident after it: bench/memory measured 102 MiB anonymous after the demo against
    /// 27 after a restart, and 50 with two arenas, at no cost to the processing's CPU time.
    /// </summary>
    public static void LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 })
            return;
        try
        {
            MallOpt(ArenaMax, Arenas);
        }
        catch (Exception error) when (error is EntryPointNotFoundException or DllNotFoundException)
        {
            // not glibc (musl has one heap and no mallopt): nothing to limit
        }
    }

    public const int Arenas = 2;

    private const int ArenaMax = -8; // M_ARENA_MAX of glibc's malloc.h

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
