using Sightline.Search.Index;

namespace Sightline.Sequences;

/// <summary>
/// Decides which of its owner's sequences a newly processed photo joins, from each nearby sequence's photos just before
/// and just after it (in (captured_at, id) order). The storage backends read those neighbours; the rule lives here once.
/// A photo may join a sequence only when it is within both gap limits of every neighbour it would have there, so two
/// cameras of one account recording at the same time in two places grow two sequences, whatever order photos arrive in.
/// </summary>
public static class SequenceChoice
{
    /// <summary>A sequence's photo next to the new one in time.</summary>
    public sealed record Neighbour(long Id, double Lat, double Lon, long CapturedAt);

    /// <summary>A sequence with a photo within <see cref="SequenceOptions.MaxGapSeconds"/> of the new one, and its neighbours there.</summary>
    public sealed record Candidate(long SequenceId, Neighbour? Before, Neighbour? After);

    /// <summary>What to do: join <paramref name="SequenceId"/> (null: start a new sequence), first merging <paramref name="Merged"/> into it.</summary>
    public readonly record struct Decision(long? SequenceId, long? Merged);

    public static Decision Choose(IEnumerable<Candidate> candidates, double lat, double lon, long capturedAt, SequenceOptions limits)
    {
        bool Close(Neighbour? n) => n is null
            || (Math.Abs(capturedAt - n.CapturedAt) <= limits.MaxGapSeconds * 1000
                && Geodesy.DistanceMeters(n.Lat, n.Lon, lat, lon) <= limits.MaxGapMeters);
        var joinable = candidates.Where(c => (c.Before is not null || c.After is not null) && Close(c.Before) && Close(c.After)).ToList();

        // Inside a sequence's span and close to the photos either side: the one whose nearest neighbour is nearest in time.
        var inside = joinable.Where(c => c.Before is not null && c.After is not null)
            .OrderBy(c => Math.Min(capturedAt - c.Before!.CapturedAt, c.After!.CapturedAt - capturedAt))
            .ThenBy(c => c.SequenceId)
            .FirstOrDefault();
        if (inside is not null)
            return new Decision(inside.SequenceId, null);

        // After one sequence's last photo (the latest such first) or before another's first (the earliest such first).
        var tail = joinable.Where(c => c.After is null)
            .OrderByDescending(c => c.Before!.CapturedAt).ThenByDescending(c => c.Before!.Id).ThenBy(c => c.SequenceId)
            .FirstOrDefault();
        var head = joinable.Where(c => c.Before is null)
            .OrderBy(c => c.After!.CapturedAt).ThenBy(c => c.After!.Id).ThenBy(c => c.SequenceId)
            .FirstOrDefault();
        // Both: the photo closes the gap that cut one walk in two (issue 13); every photo of the tail's sequence is
        // before it and every photo of the head's after it, so the merged sequence is the two end to end.
        if (tail is not null && head is not null)
            return new Decision(tail.SequenceId, head.SequenceId);
        return new Decision((tail ?? head)?.SequenceId, null);
    }
}
