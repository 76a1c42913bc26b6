using System.Runtime;
using System.Runtime.InteropServices;

namespace Sightline.Processing;

/// <summary>
/// Gives memory back to the system once a burst of processing is over. Decoding photos leaves two kinds of memory behind
/// that nothing else returns while the server idles: the large pixel and JPEG arrays on the managed large-object heap
/// (garbage, but no allocation comes to trigger the collection that would free them), and the native heap glibc's malloc
/// keeps in its arenas after libvips and OpenCV freed their buffers. One aggressive collection and one
/// <c>malloc_trim</c> release both; the latter reaches all of the native heap because the server runs on one arena
/// (<see cref="LimitArenas"/>).
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
    /// Gives the server one glibc malloc arena, called first thing in the process. With several, what a burst of photos
    /// leaves at the top of each thread arena stays resident after it: <c>malloc_trim</c> returns the free blocks inside
    /// every arena, but trims the top of the main heap only, and glibc keeps up to twice its raised mmap threshold (up to
    /// 64 MiB) at each other arena's top (issue 14: 9 arenas, 10 MiB in use, 30 MiB more resident than a fresh start).
    /// With one arena, <see cref="AfterBurst"/> returns all of it. glibc takes the arena limit for every thread only from
    /// the environment before the process starts: by <c>Main</c> the runtime's own threads have created eight arenas
    /// already, and <c>mallopt</c> only stops more. So <c>serve</c>, started without <c>MALLOC_ARENA_MAX</c>, executes
    /// itself again with <c>MALLOC_ARENA_MAX=1</c> (the same process, arguments, environment otherwise and open files;
    /// the runtime starts twice: about 0.6 s more CPU once per start, 5.3 against 4.6 s to the first answer, 3 starts each
    /// under a load average of 27-39). An operator's own <c>MALLOC_ARENA_MAX</c> is left alone;
    /// other commands are short-lived and get <see cref="Arenas"/> through <c>mallopt</c>, as does a server whose restart
    /// failed.
    /// </summary>
    public static void LimitArenas(string[] args)
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(ArenaVariable) is { Length: > 0 })
            return;
        try
        {
            if (args is ["serve", ..] && IsGlibc())
                RestartWithOneArena(); // returns only when the restart failed
            MallOpt(ArenaMax, Arenas);
        }
        catch (Exception error) when (error is EntryPointNotFoundException or DllNotFoundException)
        {
            // not glibc (musl has one heap and no mallopt): nothing to limit
        }
    }

    public const int Arenas = 2;

    public const string ArenaVariable = "MALLOC_ARENA_MAX";

    private const int ArenaMax = -8; // M_ARENA_MAX of glibc's malloc.h

    private static bool IsGlibc()
    {
        try
        {
            return GnuLibcVersion() != IntPtr.Zero;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    // execve(2) of this very program: /proc/self/cmdline and /proc/self/environ are the arguments and environment it was
    // started with, byte for byte. On success it does not return.
    private static void RestartWithOneArena()
    {
        byte[] arguments, environment;
        try
        {
            arguments = File.ReadAllBytes("/proc/self/cmdline");
            environment = File.ReadAllBytes("/proc/self/environ");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return;
        }
        // The runtime's diagnostics socket (dotnet-counters, dotnet-trace) is named after the process id and start time,
        // which the restarted runtime shares: the first one's file, left behind, would keep the second from listening.
        var diagnostics = Path.GetTempPath();
        var argv = Strings(arguments, []);
        var envp = Strings(environment, [.. System.Text.Encoding.UTF8.GetBytes($"{ArenaVariable}=1"), 0]);
        try
        {
            if (argv.Length <= 1)
                return;
            foreach (var socket in Directory.EnumerateFiles(diagnostics, $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
                File.Delete(socket);
            ExecVe("/proc/self/exe", argv, envp);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // the socket could not be removed: run on as started
        }
        finally
        {
            foreach (var pointer in argv.Concat(envp).Where(p => p != IntPtr.Zero))
                Marshal.FreeHGlobal(pointer);
        }
    }

    /// <summary>The NUL-terminated strings of <paramref name="block"/> and <paramref name="extra"/> as a C array ending in NULL.</summary>
    private static IntPtr[] Strings(byte[] block, byte[] extra)
    {
        var all = new List<IntPtr>();
        var joined = block.Concat(extra).ToArray();
        for (var start = 0; start < joined.Length;)
        {
            var end = Array.IndexOf(joined, (byte)0, start);
            if (end < 0)
                end = joined.Length;
            var pointer = Marshal.AllocHGlobal(end - start + 1);
            Marshal.Copy(joined, start, pointer, end - start);
            Marshal.WriteByte(pointer, end - start, 0);
            all.Add(pointer);
            start = end + 1;
        }
        all.Add(IntPtr.Zero);
        return [.. all];
    }

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuLibcVersion();

    [DllImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static extern int ExecVe(string path, IntPtr[] argv, IntPtr[] envp);

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
