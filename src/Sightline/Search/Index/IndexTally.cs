namespace Sightline.Search.Index;

/// <summary>
/// The index's images counted by a key that the owner chooses (a public image's sequence, a user's week of capture, a
/// user and whether the image is hidden); an image whose key is null is not counted. Counted once by a scan, then kept
/// in step with the index through its change events, so that after a write only the images it changed are counted
/// again: a scan is a pass over every image (0.15-0.5 s at 10M), which a status call or a toplist paid after every
/// commit. A reader always gets the counts of a version at least as new as the index was when it asked.
/// </summary>
public sealed class IndexTally : IDisposable
{
    private readonly ImageIndex index;
    private readonly Func<IndexedImage, long?> keyOf;
    private readonly Lock gate = new();
    private readonly Lock recounting = new();      // one scan at a time
    private bool following;                         // under gate: changes are being counted (from the first read on)
    private long change = -1;                       // under gate: the index version (its last change) counted; -1 none
    private long images;                            // under gate
    private readonly Dictionary<long, long> byKey = new(); // under gate; keys whose count falls to 0 are removed
    private List<Step>? missed;                     // under gate: steps seen while a scan runs, replayed after it

    private sealed record Step(long Before, long After, List<(long Key, int Delta)> Deltas);

    public IndexTally(ImageIndex index, Func<IndexedImage, long?> keyOf)
    {
        this.index = index;
        this.keyOf = keyOf;
        index.Changed += OnChanged;
    }

    /// <summary>
    /// Calls <paramref name="reader"/> with the number of images counted and their counts by key, as of a version of the
    /// index holding every write committed before this call. It runs under the tally's lock: copy, do not keep.
    /// </summary>
    public T Read<T>(Func<long, IReadOnlyDictionary<long, long>, T> reader)
    {
        var asked = index.Current().LastChange; // catches the index up, which counts what is new
        lock (gate)
            if (change >= asked)
                return reader(images, byKey);
        lock (recounting)
        {
            lock (gate)
            {
                if (change >= asked) // counted by the reader ahead
                    return reader(images, byKey);
                following = true;
                missed = [];
            }
            // From here on every step is kept, so that none falls between the version scanned and the counts installed.
            var state = index.Current();
            var counting = new Counting(new Dictionary<long, long>(), keyOf);
            state.VisitAll(ref counting);
            lock (gate)
            {
                if (state.LastChange > change)
                {
                    change = state.LastChange;
                    images = counting.Images;
                    byKey.Clear();
                    foreach (var (key, count) in counting.ByKey)
                        byKey[key] = count;
                }
                foreach (var step in missed!)
                    Apply(step);
                missed = null;
                return reader(images, byKey);
            }
        }
    }

    // Runs under the index's lock, once per new version, in order.
    private void OnChanged(IndexChange indexChange)
    {
        lock (gate)
            if (!following)
                return;
        var deltas = new List<(long Key, int Delta)>();
        foreach (var (id, row) in indexChange.Rows)
        {
            if (indexChange.Before.TryGet(id, out var before) && keyOf(before) is { } left)
                deltas.Add((left, -1));
            if (row is { } after && keyOf(after) is { } joined)
                deltas.Add((joined, +1));
        }
        var step = new Step(indexChange.Before.LastChange, indexChange.After.LastChange, deltas);
        lock (gate)
        {
            if (missed is not null)
                missed.Add(step);
            else
                Apply(step);
        }
    }

    // Under gate. A step that does not follow the version counted is left out: the counts are then older than the index,
    // and the next read scans again.
    private void Apply(Step step)
    {
        if (step.Before != change)
            return;
        foreach (var (key, delta) in step.Deltas)
        {
            images += delta;
            var count = byKey.GetValueOrDefault(key) + delta;
            if (count == 0)
                byKey.Remove(key);
            else
                byKey[key] = count;
        }
        change = step.After;
    }

    private struct Counting(Dictionary<long, long> byKey, Func<IndexedImage, long?> keyOf) : IndexState.IMatchVisitor
    {
        public readonly Dictionary<long, long> ByKey => byKey;
        public long Images { get; private set; }

        public void Visit(in IndexedImage image)
        {
            if (keyOf(image) is not { } key)
                return;
            Images++;
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(byKey, key, out _)++;
        }
    }

    public void Dispose() => index.Changed -= OnChanged;
}
