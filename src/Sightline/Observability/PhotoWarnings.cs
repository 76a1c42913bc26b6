using System.Collections.Concurrent;
using NetVips;

namespace Sightline.Observability;

/// <summary>
/// Routes libvips' own warnings (which it prints to stderr as "VIPS-WARNING … error in tile" without saying which file)
/// into the log, naming the photos being decoded at that moment. libvips warns from its own worker threads, so the
/// photo cannot travel with the call; the set of photos in flight names it exactly with one worker, and narrows it
/// down with several.
/// </summary>
public static class PhotoWarnings
{
    private static readonly ConcurrentDictionary<long, string> InFlight = new();
    private static long next;
    private static ILogger? logger;
    private static Log.LogDelegate? handler; // kept alive: native code holds only a pointer to it

    /// <summary>Installs the handler once per process; later servers in the same process (tests) take over the logger.</summary>
    public static void Install(ILoggerFactory loggers)
    {
        logger = loggers.CreateLogger("Sightline.Photos");
        if (handler is not null)
            return;
        handler = Write;
        try
        {
            Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning | Enums.LogLevelFlags.Critical | Enums.LogLevelFlags.Message, handler);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            handler = null; // no libvips: startup reports it
        }
    }

    /// <summary>Marks <paramref name="subject"/> (say, "image ABC" or "upload of user 3") as being decoded until disposed.</summary>
    public static IDisposable About(string subject)
    {
        var id = Interlocked.Increment(ref next);
        InFlight[id] = subject;
        return new Scope(id);
    }

    private static void Write(string domain, Enums.LogLevelFlags level, string message)
    {
        try
        {
            var subjects = InFlight.Values.ToArray();
            var subject = subjects.Length == 0 ? "no photo in processing" : string.Join(", ", subjects);
            logger?.LogWarning("libvips warning about {Subject}: {Message}", subject, message.Trim());
        }
        catch
        {
            // Called from native code: nothing may escape.
        }
    }

    private sealed class Scope(long id) : IDisposable
    {
        public void Dispose() => InFlight.TryRemove(id, out _);
    }
}
