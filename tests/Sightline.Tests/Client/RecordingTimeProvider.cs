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

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (gate) delays.Add(dueTime);
        var timer = System.CreateTimer(callback, state, dueTime, period);
        DelayStarted?.Invoke(dueTime);
        return timer;
    }
}
