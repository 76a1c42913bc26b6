namespace Sightline.Sequences;

/// <summary>Where a user's photos are cut into separate sequences (configuration section <c>Sequences</c>).</summary>
public sealed class SequenceOptions
{
    public double MaxGapSeconds { get; set; } = 300;
    public double MaxGapMeters { get; set; } = 100;
}
