namespace Sightline.Tests.Client;

/// <summary>The system clock, but remembering every delay asked of it, so tests can read the retry policy's waits.</summary>
public sealed class RecordingTimeProvider : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<TimeSpan> delays = [];

    /// <summary>Called with each delay as it starts, so a test can act once the client is really waiting.</summary>
    public Action<TimeSpan>? DelayStarted { get; set; }

    public IReadOnlyList<TimeSpan> Delays
    {
        get { lock (gate) return delays.ToList(); }
    }

    /// <summary>
    /// Asserts that <paramref name="delay"/> is the wait a 429's <paramref name="retryAfter"/> asks for plus the client's
    /// random spread (up to a quarter of it, at most a second), so that a burst refused together does not retry together.
    /// </summary>
    public static void AssertRetryAfterWait(TimeSpan retryAfter, TimeSpan delay) =>
        Assert.InRange(delay, retryAfter, retryAfter + TimeSpan.FromMilliseconds(Math.Min(retryAfter.TotalMilliseconds / 4, 1000)));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (gate) delays.Add(dueTime);
        var timer = System.CreateTimer(callback, state, dueTime, period);
        DelayStarted?.Invoke(dueTime);
        return timer;
    }
}
