using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace Sightline.Processing;

/// <summary>
/// The threads that decode, detect in and resize photos: dedicated (not the thread pool's) and, on Linux, at a lower
/// scheduling priority (<see cref="ProcessingOptions.Nice"/>), with the libvips and OpenCV threads they set to work.
/// </summary>
/// <remarks>
/// A photo keeps a thread busy for hundreds of milliseconds. On the thread pool the workers held as many threads as
/// there are cores, so requests waited for the pool to grow, and once it had grown they shared the cores with the
/// photos as equals: the 64-connection soak's seconds-long tail (issue 13). Here requests come first and photos take
/// what CPU is left; an idle server still gives them all of it (a nice value weighs, it does not reserve).
/// </remarks>
public sealed class PhotoThreads : IDisposable
{
    // libvips names its pool threads so; OpenCV's threads are started by ours and inherit both the name and the nice value.
    private static readonly string[] HelperNames = ["libvips worker", ThreadName];
    private const string ThreadName = "sightline-photo"; // Linux keeps 15 characters of a thread's name

    private readonly BlockingCollection<Action> work = new();
    private readonly BlockingCollection<Action> handOffs = new();
    private readonly ConcurrentDictionary<int, bool> lowered = new();
    private readonly int lowerBy;
    private readonly int nice;
    private readonly ILogger<PhotoThreads> logger;
    private int warned;

    public PhotoThreads(IOptions<ProcessingOptions> options, ILogger<PhotoThreads> logger)
    {
        this.logger = logger;
        // Relative to the process: a server started under nice(1) keeps photos below its requests all the same.
        lowerBy = Math.Clamp(options.Value.Nice, 0, 39);
        nice = Math.Min(19, ProcessNice() + lowerBy);
        // libvips' threads per pipeline: a process-wide setting, made here where the photo threads are sized.
        NetVips.NetVips.Concurrency = options.Value.VipsThreadsPerPhoto(Environment.ProcessorCount);
        for (var i = 0; i < Math.Max(1, options.Value.Workers); i++)
            new Thread(Run) { IsBackground = true, Name = ThreadName }.Start();
        new Thread(HandOff) { IsBackground = true, Name = "sightline-done" }.Start();
    }

    /// <summary>Runs <paramref name="render"/> on a photo thread; the caller's thread is free meanwhile.</summary>
    public Task<T> RunAsync<T>(Func<T> render)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        work.Add(() =>
        {
            // The result is handed to the waiting code by a thread of normal priority: completing the task queues its
            // continuation on the thread pool, and a pool thread started from a lowered thread would inherit the
            // lower priority and then serve requests with it.
            try
            {
                var result = render();
                Complete(() => done.SetResult(result));
            }
            catch (Exception error)
            {
                Complete(() => done.SetException(error));
            }
        });
        return done.Task;
    }

    private void Complete(Action complete)
    {
        if (!handOffs.IsAddingCompleted)
        {
            try
            {
                handOffs.Add(complete);
                return;
            }
            catch (InvalidOperationException)
            {
                // stopped meanwhile: completed here below
            }
        }
        complete();
    }

    private void HandOff()
    {
        foreach (var complete in handOffs.GetConsumingEnumerable())
            complete();
    }

    private void Run()
    {
        Lower(Gettid());
        foreach (var item in work.GetConsumingEnumerable())
        {
            LowerHelpers();
            item();
        }
    }

    // libvips' threads come from its own pool, started from whichever thread needed them first: looked for before each
    // photo (a directory of a few dozen entries), each lowered once.
    private void LowerHelpers()
    {
        if (lowerBy == 0 || !OperatingSystem.IsLinux())
            return;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                if (!int.TryParse(Path.GetFileName(task), out var tid) || lowered.ContainsKey(tid))
                    continue;
                string name;
                try { name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'); }
                catch (IOException) { continue; } // the thread ended meanwhile
                if (HelperNames.Contains(name))
                    Lower(tid);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            Warn(error.Message);
        }
    }

    private void Lower(int tid)
    {
        if (lowerBy == 0 || !OperatingSystem.IsLinux() || tid <= 0)
            return;
        // On Linux a thread id names one thread for setpriority: only that thread is lowered, never the request threads.
        if (SetPriority(0 /* PRIO_PROCESS */, tid, nice) != 0)
            Warn($"setpriority failed with errno {Marshal.GetLastPInvokeError()}");
        lowered[tid] = true;
        if (lowered.Count > 4096)
            lowered.Clear(); // thread ids are reused: forget old ones now and then
    }

    private void Warn(string problem)
    {
        if (Interlocked.Exchange(ref warned, 1) == 0)
            logger.LogWarning("Photo processing could not be given a lower priority ({Problem}); it shares the CPU with requests as an equal", problem);
    }

    // getpriority(2) answers -1 both as a nice value and as a failure: /proc says it without ambiguity.
    private static int ProcessNice()
    {
        if (!OperatingSystem.IsLinux())
            return 0;
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16]);
        }
        catch (Exception error) when (error is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    private static int Gettid()
    {
        if (!OperatingSystem.IsLinux())
            return 0;
        try { return GetTid(); }
        catch (EntryPointNotFoundException) { return 0; }
    }

    public void Dispose()
    {
        work.CompleteAdding();
        handOffs.CompleteAdding();
    }

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();
}
