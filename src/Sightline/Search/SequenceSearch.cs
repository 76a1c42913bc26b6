using Sightline.Images;
using Sightline.Sequences;
using Sightline.Tiles;

namespace Sightline.Search;

/// <summary>
/// Sequence searches: a sequence matches when one of its images matches the filters. Matching is done on the index;
/// the page's public sequences are then taken whole from the map's sequences (their visible photos in order, from the
/// index), a project's from the database.
/// </summary>
public sealed class SequenceSearch(ImageSearch images, ISequenceStore sequences, IImageStore imageStore, SequenceGeometry geometry)
{
    public sealed record Result(IReadOnlyList<SequenceDtos.Line> Sequences, bool More);

    /// <summary>Newest first by the sequence's capture time (its earliest image, spec §5 item 48), then key.</summary>
    public async Task<Result> NewestAsync(BoxSearch search)
    {
        var matching = images.SequencesMatching(search.Filter);
        if (matching.Count == 0)
            return new Result([], false);
        if (PageDepth.TooDeep(search.Offset, search.MaxOffset))
        {
            PageDepth.PastTheEnd(matching.Count, search.Offset, search.MaxOffset); // refuses when sequences remain that deep
            return new Result([], false);
        }
        var first = await FirstAsync(matching, search.Offset + search.Limit, sequences.CandidatesAsync);

        // The map holds every public sequence's visible photos as of now (as the database does: processed, not hidden,
        // by capture time then id); reading 100 sequences' 27,000 photos from SQLite took 150 ms at 10M images.
        var map = search.Filter.ProjectId == 0 ? geometry.Current() : null;
        var page = new List<SequenceDtos.Line>();
        foreach (var candidate in first.Skip(search.Offset))
        {
            if (map is not null)
            {
                if (map.Shape((int)candidate.Id) is { } shape && map.MembersOf(shape) is { Length: > 0 } members)
                    page.Add(new SequenceDtos.Line(candidate.Key, shape.CapturedAt, map.Username(shape.UserId),
                        members.Select(m => new SequenceDtos.Point(m.Key, m.Lat, m.Lon, m.StoredCompassAngle)).ToList()));
                continue;
            }
            var stored = await imageStore.InSequenceAsync(candidate.Id);
            if (stored.Count > 0)
                page.Add(SequenceDtos.LineOf(new Sequence(candidate.Id, candidate.Key, candidate.UserId, stored)));
        }
        return new Result(page, matching.Count > search.Offset + search.Limit);
    }

    /// <summary>The answer's order: newest capture time first, then key (ordinal); total, as keys are unique.</summary>
    public static int Compare(ISequenceStore.Candidate a, ISequenceStore.Candidate b) =>
        a.CapturedAt != b.CapturedAt ? b.CapturedAt.CompareTo(a.CapturedAt) : string.CompareOrdinal(a.Key, b.Key);

    /// <summary>
    /// The first <paramref name="count"/> of the matching sequences in the answer's order (<see cref="Compare"/>), reading
    /// from the database only about as many as that instead of every match.
    /// </summary>
    /// <param name="bounds">
    /// The matching sequences by id, each with a capture time no earlier than its own (the earliest of its matching images;
    /// the database's earliest processed image can only be earlier, being the minimum over more images).
    /// </param>
    /// <remarks>
    /// The sequences with the latest bounds are read first, the batch growing until the <paramref name="count"/>th best read
    /// is strictly newer than every bound left unread: an unread sequence's capture time is at most its bound, so it
    /// cannot come among the first (a tie on the time could, by its key, hence strictly). The bound is each batch's
    /// boundary value picked with a bounded heap; the candidates are never sorted whole.
    /// </remarks>
    public static async Task<List<ISequenceStore.Candidate>> FirstAsync(
        IReadOnlyDictionary<int, long> bounds, int count,
        Func<IReadOnlyCollection<int>, Task<IReadOnlyList<ISequenceStore.Candidate>>> read)
    {
        var found = new List<ISequenceStore.Candidate>();
        if (count <= 0 || bounds.Count == 0)
            return found;
        var window = Math.Max(count, MinimumBatch);
        long? readDownTo = null; // every sequence whose bound is at least this has been read
        while (true)
        {
            var boundary = window >= bounds.Count ? long.MinValue : BoundaryOfFirst(bounds, window);
            var batch = new List<int>();
            var latestUnread = long.MinValue;
            var unread = false;
            foreach (var (id, bound) in bounds)
            {
                if (bound < boundary)
                {
                    latestUnread = unread ? Math.Max(latestUnread, bound) : bound;
                    unread = true;
                }
                else if (readDownTo is not { } done || bound < done)
                {
                    batch.Add(id);
                }
            }
            if (batch.Count > 0)
                found.AddRange(await read(batch));
            readDownTo = boundary;
            found.Sort(Compare);
            if (!unread || (found.Count >= count && found[count - 1].CapturedAt > latestUnread))
                break;
            window = window > int.MaxValue / 4 ? int.MaxValue : window * 4;
        }
        if (found.Count > count)
            found.RemoveRange(count, found.Count - count);
        return found;
    }

    // Reading a few dozen sequences costs the database hardly more than one.
    private const int MinimumBatch = 32;

    /// <summary>The <paramref name="n"/>th latest bound (ties counted), with a min-heap of the <paramref name="n"/> latest seen.</summary>
    private static long BoundaryOfFirst(IReadOnlyDictionary<int, long> bounds, int n)
    {
        var heap = new PriorityQueue<long, long>(n);
        foreach (var bound in bounds.Values)
        {
            if (heap.Count < n)
                heap.Enqueue(bound, bound);
            else if (bound > heap.Peek())
                heap.EnqueueDequeue(bound, bound);
        }
        return heap.Peek();
    }
}
