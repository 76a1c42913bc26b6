using Sightline.Search.Index;

namespace Sightline.Stac;

/// <summary>What the collection listings need of one public sequence, summed up from the search index.</summary>
public sealed record SequenceSummary(
    int Id, string Key, int UserId, int Count, double MinLat, double MinLon, double MaxLat, double MaxLon, long FirstCapture, long LastCapture)
{
    public bool Intersects(GeoBox box) => box.Intersects(MinLat, MinLon, MaxLat, MaxLon);
}

/// <summary>
/// The public sequences as the search index sees them (public, not hidden images only), summed up once per version
/// of the index, so that listing and filtering collections never touches the database.
/// </summary>
public sealed class SequenceCatalogue(ImageIndex index)
{
    private sealed record Snapshot(IndexState State, IReadOnlyList<SequenceSummary> Newest, IReadOnlyDictionary<string, SequenceSummary> ByKey,
        (double MinLat, double MinLon, double MaxLat, double MaxLon)? Bounds, (long First, long Last)? Span);

    private readonly Lock gate = new();
    private volatile Snapshot? current;

    /// <summary>Public sequences, newest first capture first, then key.</summary>
    public IReadOnlyList<SequenceSummary> Newest => Take().Newest;

    public SequenceSummary? Find(string key) => Take().ByKey.GetValueOrDefault(key);

    /// <summary>The box and time span of every public photo; null when there is none.</summary>
    public ((double MinLat, double MinLon, double MaxLat, double MaxLon) Bounds, (long First, long Last) Span)? Extent()
    {
        var snapshot = Take();
        return snapshot.Bounds is { } bounds && snapshot.Span is { } span ? (bounds, span) : null;
    }

    private Snapshot Take()
    {
        var state = index.Current();
        var seen = current;
        if (seen is not null && ReferenceEquals(seen.State, state))
            return seen;
        lock (gate)
        {
            seen = current;
            if (seen is not null && ReferenceEquals(seen.State, state))
                return seen;
            var next = Build(state);
            current = next;
            return next;
        }
    }

    private Snapshot Build(IndexState state)
    {
        var visitor = new Summer(new Dictionary<int, Accumulator>());
        state.Scan(new ImageFilter(), ref visitor);
        var list = new List<SequenceSummary>(visitor.BySequence.Count);
        foreach (var (id, a) in visitor.BySequence)
        {
            var key = index.SequenceKey(id);
            if (!string.IsNullOrEmpty(key))
                list.Add(new SequenceSummary(id, key, a.UserId, a.Count, a.MinLat, a.MinLon, a.MaxLat, a.MaxLon, a.First, a.Last));
        }
        list.Sort((x, y) => x.FirstCapture != y.FirstCapture ? y.FirstCapture.CompareTo(x.FirstCapture) : string.CompareOrdinal(x.Key, y.Key));
        var bounds = list.Count == 0 ? ((double, double, double, double)?)null
            : (list.Min(s => s.MinLat), list.Min(s => s.MinLon), list.Max(s => s.MaxLat), list.Max(s => s.MaxLon));
        var span = list.Count == 0 ? ((long, long)?)null : (list.Min(s => s.FirstCapture), list.Max(s => s.LastCapture));
        return new Snapshot(state, list, list.ToDictionary(s => s.Key, StringComparer.Ordinal), bounds, span);
    }

    private sealed class Accumulator
    {
        public int UserId, Count;
        public double MinLat = double.MaxValue, MinLon = double.MaxValue, MaxLat = double.MinValue, MaxLon = double.MinValue;
        public long First = long.MaxValue, Last = long.MinValue;
    }

    private readonly struct Summer(Dictionary<int, Accumulator> bySequence) : IndexState.IMatchVisitor
    {
        public Dictionary<int, Accumulator> BySequence => bySequence;

        public void Visit(in IndexedImage image)
        {
            if (image.SequenceId == 0)
                return;
            if (!bySequence.TryGetValue(image.SequenceId, out var a))
                bySequence[image.SequenceId] = a = new Accumulator { UserId = image.UserId };
            a.Count++;
            a.MinLat = Math.Min(a.MinLat, image.Lat);
            a.MaxLat = Math.Max(a.MaxLat, image.Lat);
            a.MinLon = Math.Min(a.MinLon, image.Lon);
            a.MaxLon = Math.Max(a.MaxLon, image.Lon);
            a.First = Math.Min(a.First, image.CapturedAt);
            a.Last = Math.Max(a.Last, image.CapturedAt);
        }
    }
}
