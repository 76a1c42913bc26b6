namespace Sightline.Client.Models;

/// <summary>One day of a user's upload histogram: the day and how many images it saw.</summary>
public sealed record HistogramDay(long Day, long Count);
