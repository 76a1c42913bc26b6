using System.Runtime.InteropServices;
using Sightline.Search.Index;

namespace Sightline.Search;

/// <summary>One page of an ordered search, and whether another page exists.</summary>
public sealed record SearchPage(IReadOnlyList<Hit> Hits, bool More);

/// <summary>The image searches over the in-memory index: box by newest, circle by nearest, random picks.</summary>
public sealed class ImageSearch(ImageIndex index)
{
    public ImageIndex Index => index;

    public SearchPage Newest(BoxSearch search)
    {
        var tooDeep = PageDepth.TooDeep(search.Offset, search.MaxOffset);
        var capacity = tooDeep ? 0 : search.Offset + search.Limit + 1;
        var state = index.Current();
        var top = new TopK<HitOrder.NewestFirstOrder>(capacity, default);
        var visitor = new Collector<HitOrder.NewestFirstOrder>(top);
        if (tooDeep || !state.PrefersTimeOrder(search.Filter, capacity)
            || !state.TryScanInTimeOrder(search.Filter, oldestFirst: false, ref visitor, IndexState.TimeOrderBudget))
        {
            top = new TopK<HitOrder.NewestFirstOrder>(capacity, default);
            visitor = new Collector<HitOrder.NewestFirstOrder>(top);
            state.Scan(search.Filter, ref visitor);
        }
        return tooDeep ? PageDepth.PastTheEnd(top.Offered, search.Offset, search.MaxOffset) : Page(top, search.Offset, search.Limit);
    }

    public SearchPage Nearest(CloseSearch search)
    {
        var tooDeep = PageDepth.TooDeep(search.Offset, search.MaxOffset);
        var top = new TopK<HitOrder.NearestOrder>(tooDeep ? 0 : search.Offset + search.Limit + 1, default);
        var visitor = new WithinRadius(top, Geodesy.From(search.Lat, search.Lon), search.RadiusMeters);
        index.Current().Scan(search.Filter, ref visitor);
        return tooDeep ? PageDepth.PastTheEnd(top.Offered, search.Offset, search.MaxOffset) : Page(top, search.Offset, search.Limit);
    }

    /// <summary>One matching image chosen uniformly at random; null when none matches.</summary>
    public IndexedImage? RandomMatch(ImageFilter filter)
    {
        var chooser = new RandomChoice(Random.Shared);
        index.Current().Scan(filter, ref chooser);
        return chooser.Chosen;
    }

    /// <summary>Any public image: the fallback of the curated random image (spec §5 item 45) while no selected one is visible.</summary>
    public IndexedImage? RandomSelected() => index.Current().RandomPublic(Random.Shared);

    /// <summary>
    /// The sequences holding at least one matching image, each with the earliest capture time of its matching images:
    /// never earlier than the sequence's own capture time (its earliest processed image), so a bound on it.
    /// </summary>
    /// <remarks>
    /// Without any filter (what the web app asks first, to decide where to go) the answer is kept for the version of the
    /// index it was made from: until the next write, the same question does not scan every image again.
    /// </remarks>
    public IReadOnlyDictionary<int, long> SequencesMatching(ImageFilter filter)
    {
        var state = index.Current();
        if (filter == Everything)
            return Unfiltered(state).Earliest;
        var visitor = new SequenceCollector([]);
        state.Scan(filter, ref visitor);
        return visitor.Earliest;
    }

    /// <summary>
    /// How many public images, and sequences holding one, the server has now (<c>/v2/status</c>): every committed
    /// write is in it. Counted once, then kept in step with the index's changes.
    /// </summary>
    public (long Images, long Sequences) PublicCounts() =>
        sequenceTally.Read((images, bySequence) => (images, (long)(bySequence.Count - (bySequence.ContainsKey(0) ? 1 : 0))));

    // Public images by sequence (0: in none).
    private readonly IndexTally sequenceTally = new(index, image => image.ProjectId == 0 ? image.SequenceId : null);

    private static readonly ImageFilter Everything = new();

    private sealed record SequencesOfVersion(IndexState State, IReadOnlyDictionary<int, long> Earliest);

    private volatile SequencesOfVersion? unfilteredSequences;
    private readonly Lock unfilteredGate = new();

    /// <summary>
    /// The unfiltered answer for this version: one scan of every image per version, however many callers ask at once
    /// (the others wait for it rather than each scanning millions of images).
    /// </summary>
    private SequencesOfVersion Unfiltered(IndexState state)
    {
        if (unfilteredSequences is { } kept && ReferenceEquals(kept.State, state))
            return kept;
        lock (unfilteredGate)
        {
            if (unfilteredSequences is { } made && ReferenceEquals(made.State, state))
                return made;
            var visitor = new SequenceCollector([]);
            state.Scan(Everything, ref visitor);
            var fresh = new SequencesOfVersion(state, visitor.Earliest);
            unfilteredSequences = fresh;
            return fresh;
        }
    }

    private static SearchPage Page<TOrder>(TopK<TOrder> top, int offset, int limit) where TOrder : struct, IHitOrder
    {
        var hits = top.TakePage(offset, limit, out var more);
        return new SearchPage(hits, more);
    }

    private readonly struct Collector<TOrder>(TopK<TOrder> top) : IndexState.IOrderedVisitor where TOrder : struct, IHitOrder
    {
        public bool Enough => top.Full;

        public void Visit(in IndexedImage image) => top.Offer(new Hit(image, 0));
    }

    private readonly struct WithinRadius(TopK<HitOrder.NearestOrder> top, Geodesy.Centre centre, double radius) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image)
        {
            var distance = centre.DistanceMeters(image.Lat, image.Lon);
            if (distance <= radius)
                top.Offer(new Hit(image, distance));
        }
    }

    private struct SequenceCollector(Dictionary<int, long> earliest) : IndexState.IMatchVisitor
    {
        public readonly Dictionary<int, long> Earliest => earliest;

        public void Visit(in IndexedImage image)
        {
            if (image.SequenceId == 0)
                return;
            ref var first = ref CollectionsMarshal.GetValueRefOrAddDefault(earliest, image.SequenceId, out var seen);
            if (!seen || image.CapturedAt < first)
                first = image.CapturedAt;
        }
    }
}
