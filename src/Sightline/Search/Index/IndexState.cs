namespace Sightline.Search.Index;

/// <summary>
/// One immutable version of the search index: a packed tree over most images (the base) plus a small
/// unsorted overlay of images added or changed since the base was built, and the base positions those
/// changes replaced. Queries read a version without locks; the catch-up publishes a new one.
/// </summary>
public sealed class IndexState
{
    private readonly IndexedImage[] items;
    private readonly PointTree tree;
    private readonly int[] positionOfId;   // base position + 1 by image id; 0 when not in the base
    private readonly IndexedImage[] overlay;
    private readonly HashSet<int> removed;  // base positions superseded by the overlay or deleted
    private readonly Dictionary<int, int> overlayById; // overlay position by image id (the overlay is small)
    private readonly Lazy<UserRuns> byUser;  // the base's positions by user, made on the first search by user
    private readonly Lazy<int[]> newestFirst; // the base's positions newest first, made on the first search that reads them

    private IndexState(IndexedImage[] items, PointTree tree, int[] positionOfId, Lazy<UserRuns>? byUser, Lazy<int[]>? newestFirst,
        IndexedImage[] overlay, HashSet<int> removed, long lastChange)
    {
        this.items = items;
        this.tree = tree;
        this.positionOfId = positionOfId;
        this.byUser = byUser ?? new Lazy<UserRuns>(() => UserRuns.Of(items, tree.Count));
        this.newestFirst = newestFirst ?? new Lazy<int[]>(() => NewestFirstOf(items, tree.Count));
        this.overlay = overlay;
        this.removed = removed;
        overlayById = new Dictionary<int, int>(overlay.Length);
        for (var i = 0; i < overlay.Length; i++)
            overlayById[overlay[i].Id] = i;
        LastChange = lastChange;
    }

    /// <summary>The last <c>search_changes</c> entry this version reflects.</summary>
    public long LastChange { get; }

    public int BaseCount => tree.Count;
    public int OverlayCount => overlay.Length;
    public int Count => tree.Count - removed.Count + overlay.Length;

    /// <summary>
    /// Bytes held per indexed image: items, tree boxes, id map, positions by user and newest first once made (the overlay
    /// is small).
    /// </summary>
    public long MemoryBytes => (long)items.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<IndexedImage>()
        + tree.BoxBytes + (long)positionOfId.Length * sizeof(int) + (byUser.IsValueCreated ? byUser.Value.Bytes : 0)
        + (newestFirst.IsValueCreated ? (long)newestFirst.Value.Length * sizeof(int) : 0);

    /// <summary>The base in Hilbert order, for snapshots.</summary>
    public ReadOnlySpan<IndexedImage> BaseItems => items.AsSpan(0, tree.Count);

    /// <summary>A version whose base is <paramref name="items"/>[0..count); sorts them unless already in Hilbert order.</summary>
    public static IndexState FromBase(IndexedImage[] items, int count, long lastChange, bool sorted = false)
    {
        var tree = sorted ? PointTree.Index(items, count) : PointTree.Build(items, count);
        var maxId = 0;
        for (var i = 0; i < count; i++)
            maxId = Math.Max(maxId, items[i].Id);
        var positionOfId = new int[maxId + 1];
        for (var i = 0; i < count; i++)
            positionOfId[items[i].Id] = i + 1;
        return new IndexState(items, tree, positionOfId, null, null, [], [], lastChange);
    }

    public static IndexState Empty => FromBase([], 0, 0);

    /// <summary>
    /// A new version with these images replaced: each id maps to its current row, or null when the image
    /// is gone or no longer searchable.
    /// </summary>
    public IndexState With(IReadOnlyDictionary<int, IndexedImage?> changes, long lastChange)
    {
        var nextRemoved = new HashSet<int>(removed);
        var kept = new List<IndexedImage>(overlay.Length + changes.Count);
        foreach (var image in overlay)
            if (!changes.ContainsKey(image.Id))
                kept.Add(image);
        foreach (var (id, row) in changes)
        {
            if (id < positionOfId.Length && positionOfId[id] > 0)
                nextRemoved.Add(positionOfId[id] - 1);
            if (row is { } image)
                kept.Add(image);
        }
        return new IndexState(items, tree, positionOfId, byUser, newestFirst, kept.ToArray(), nextRemoved, lastChange);
    }

    /// <summary>Folds the overlay into a freshly packed base (done when the overlay has grown large).</summary>
    public IndexState Compacted()
    {
        var all = new IndexedImage[Count];
        var n = 0;
        for (var i = 0; i < tree.Count; i++)
            if (!removed.Contains(i))
                all[n++] = items[i];
        foreach (var image in overlay)
            all[n++] = image;
        var packed = FromBase(all, n, LastChange);
        // The orders this version's searches made are made for the new base at once, off the caller's thread, so that
        // the first search after a compaction (every snapshot) does not wait a second for them at 10M images.
        if (byUser.IsValueCreated)
            ThreadPool.QueueUserWorkItem(state => _ = state.byUser.Value, packed, preferLocal: false);
        if (newestFirst.IsValueCreated)
            ThreadPool.QueueUserWorkItem(state => _ = state.newestFirst.Value, packed, preferLocal: false);
        return packed;
    }

    /// <summary>The indexed image with this row id, if this version has it.</summary>
    public bool TryGet(int id, out IndexedImage image)
    {
        if (overlayById.TryGetValue(id, out var at))
        {
            image = overlay[at];
            return true;
        }
        if (id >= 0 && id < positionOfId.Length && positionOfId[id] is > 0 and var position
            && (removed.Count == 0 || !removed.Contains(position - 1)))
        {
            image = items[position - 1];
            return true;
        }
        image = default;
        return false;
    }

    /// <summary>Calls the visitor for every image of this version, public, hidden or of a project, in no particular order.</summary>
    public void VisitAll<TVisitor>(ref TVisitor visitor) where TVisitor : struct, IMatchVisitor
    {
        for (var position = 0; position < tree.Count; position++)
            if (removed.Count == 0 || !removed.Contains(position))
                visitor.Visit(items[position]);
        foreach (var image in overlay)
            visitor.Visit(image);
    }

    /// <summary>Receives each image that passes a filter.</summary>
    public interface IMatchVisitor
    {
        void Visit(in IndexedImage image);
    }

    /// <summary>
    /// Calls the visitor once for every searchable image matching the filter, in no particular order (once even when
    /// the filter's areas overlap).
    /// </summary>
    /// <remarks>
    /// One user's images are read from that user's list of positions when there is no area, or when the user has few
    /// enough that reading them all costs less than a large area could: a search by a user with 776,000 photos
    /// among 10M reads those, not the 10M.
    /// </remarks>
    public void Scan<TVisitor>(ImageFilter filter, ref TVisitor visitor) where TVisitor : struct, IMatchVisitor
    {
        if (filter.UserId == ImageFilter.Nobody)
            return;
        var adapter = new TreeAdapter<TVisitor>(this, filter, visitor);
        if (filter.UserId is { } user && byUser.Value.Of(user) is var own && (filter.Areas is null || own.Length <= UserListWithAreasMost))
        {
            foreach (var position in own)
                if (filter.InAreas(items[position].Lat, items[position].Lon))
                    adapter.Visit(position);
        }
        else if (filter.Areas is null)
        {
            for (var position = 0; position < tree.Count; position++)
                adapter.Visit(position);
        }
        else
        {
            for (var area = 0; area < filter.Areas.Count; area++)
            {
                adapter.Area = area;
                tree.Search(filter.Areas[area], ref adapter);
            }
        }
        visitor = adapter.Inner;
        foreach (var image in overlay)
            if (filter.InAreas(image.Lat, image.Lon) && filter.Matches(image))
                visitor.Visit(image);
    }

    /// <summary>A visitor that takes images in an order and can tell when later ones cannot change its answer.</summary>
    public interface IOrderedVisitor : IMatchVisitor
    {
        bool Enough { get; }
    }

    /// <summary>
    /// Calls the visitor once for each of these images (row ids) this version holds that the filter lets through: a
    /// search by a list of images reads those, not the archive.
    /// </summary>
    public void VisitIds<TVisitor>(IEnumerable<int> ids, ImageFilter filter, ref TVisitor visitor) where TVisitor : struct, IMatchVisitor
    {
        if (filter.UserId == ImageFilter.Nobody)
            return;
        foreach (var id in ids.Distinct())
            if (TryGet(id, out var image) && filter.InAreas(image.Lat, image.Lon) && filter.Matches(image))
                visitor.Visit(image);
    }

    /// <summary>
    /// About how many images <see cref="Scan"/> reads for this filter: the user's list, the images under the tree's
    /// coarse boxes that touch the areas, or all of them; the overlay's besides.
    /// </summary>
    public long ScanSize(ImageFilter filter)
    {
        if (filter.UserId == ImageFilter.Nobody)
            return 0;
        if (filter.UserId is { } user && byUser.Value.Of(user) is var own && (filter.Areas is null || own.Length <= UserListWithAreasMost))
            return own.Length + overlay.Length;
        return overlay.Length + (filter.Areas is null ? tree.Count : Estimate(filter.Areas).Touching);
    }

    // The tree's bounds on the base images in the areas, added up (overlapping areas count twice: an estimate).
    private (long Inside, long Touching) Estimate(IReadOnlyList<GeoBox> areas)
    {
        long inside = 0, touching = 0;
        foreach (var area in areas)
        {
            var (within, near) = tree.Estimate(area);
            inside += within;
            touching += near;
        }
        return (inside, touching);
    }

    /// <summary>How many base images a search in time order reads at most before it gives up (a few milliseconds).</summary>
    public const int TimeOrderBudget = 65_536;

    // What reading an image in time order costs (at random in memory) against visiting one in the tree (in storage order).
    private const int TimeOrderReadCost = 16;

    /// <summary>
    /// Whether the first <paramref name="wanted"/> images of a search in time order are best looked for in that order
    /// (<see cref="TryScanInTimeOrder"/>) rather than by a <see cref="Scan"/>: for public searches by no one user, always
    /// without areas (the whole archive); with areas when they hold so many images that the wanted ones come soon, as the
    /// tree's coarse boxes tell (the expected reads, each dearer, against the images in the boxes touching the areas). A
    /// world box of 10M images reads about as many as it shows; a street's box is left to the tree. A page deep enough to
    /// need a good part of <see cref="TimeOrderBudget"/> is scanned.
    /// </summary>
    public bool PrefersTimeOrder(ImageFilter filter, int wanted)
    {
        if (filter.UserId is not null || filter.ProjectId != 0 || wanted <= 0 || wanted > TimeOrderBudget / 4)
            return false;
        if (filter.Areas is null)
            return true;
        var (inside, touching) = Estimate(filter.Areas);
        return inside > 0 && (double)wanted * tree.Count / inside * TimeOrderReadCost < touching;
    }

    /// <summary>
    /// Calls the visitor for the searchable images matching the filter, the base's in time order until the visitor has
    /// enough, then every matching image of the overlay, in no particular order. Newest first is capture time descending,
    /// then key (<see cref="HitOrder.NewestFirstOrder"/>); oldest first is capture time ascending, then key. A time window
    /// is found by bisection, not walked to. Gives up, false, when <paramref name="budget"/> base images were read and the
    /// visitor still wants more: a filter that few images pass is cheaper to <see cref="Scan"/> (in storage order, with a
    /// fresh visitor) than to look for in time order.
    /// </summary>
    /// <remarks>
    /// What a search without a box or user, or with a box holding much of the archive, asks: the newest (or oldest) images.
    /// A scan reads all of them (10M images: 160-400 ms a page); in time order a page reads about as many as it shows.
    /// </remarks>
    public bool TryScanInTimeOrder<TVisitor>(ImageFilter filter, bool oldestFirst, ref TVisitor visitor, int budget)
        where TVisitor : struct, IOrderedVisitor
    {
        if (filter.UserId == ImageFilter.Nobody)
            return true;
        var order = newestFirst.Value;
        // [first, last): the places in the order of the images captured in the window.
        var first = filter.CapturedTo is { } to ? FirstNotAfter(order, to) : 0;
        var last = filter.CapturedFrom is { } from && from > long.MinValue ? FirstNotAfter(order, from - 1) : order.Length;
        var read = 0;
        if (!oldestFirst)
        {
            for (var i = first; i < last && !visitor.Enough; i++)
            {
                if (read++ == budget)
                    return false;
                VisitBase(filter, ref visitor, order[i]);
            }
        }
        else
        {
            // Backwards through the runs of equal capture times, each run forwards (by key, as the order wants).
            for (var end = last; end > first && !visitor.Enough;)
            {
                var start = end - 1;
                var time = items[order[start]].CapturedAt;
                for (; start > first && items[order[start - 1]].CapturedAt == time; start--)
                    if (read++ == budget)
                        return false;
                for (var i = start; i < end && !visitor.Enough; i++)
                {
                    if (read++ == budget)
                        return false;
                    VisitBase(filter, ref visitor, order[i]);
                }
                end = start;
            }
        }
        foreach (var image in overlay)
            if (filter.InAreas(image.Lat, image.Lon) && filter.Matches(image))
                visitor.Visit(image);
        return true;
    }

    private void VisitBase<TVisitor>(ImageFilter filter, ref TVisitor visitor, int position) where TVisitor : struct, IMatchVisitor
    {
        ref readonly var image = ref items[position];
        if (filter.InAreas(image.Lat, image.Lon) && filter.Matches(image) && (removed.Count == 0 || !removed.Contains(position)))
            visitor.Visit(image);
    }

    // The first place in the newest-first order whose image was captured at or before the time.
    private int FirstNotAfter(int[] order, long time)
    {
        var (low, high) = (0, order.Length);
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (items[order[middle]].CapturedAt > time)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    // The base's positions newest first: a sort of the capture times (descending, as their complements), then of each
    // run of equal times by key.
    private static int[] NewestFirstOf(IndexedImage[] items, int count)
    {
        var times = new long[count];
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = ~items[i].CapturedAt;
            order[i] = i;
        }
        Array.Sort(times, order);
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && times[end] == times[start])
                end++;
            if (end - start > 1)
                order.AsSpan(start, end - start).Sort((a, b) => IndexedImage.CompareKeys(items[a], items[b]));
            start = end;
        }
        return order;
    }

    /// <summary>A uniformly chosen searchable public image, or null when there is none.</summary>
    public IndexedImage? RandomPublic(Random random)
    {
        var total = tree.Count + overlay.Length;
        for (var attempt = 0; attempt < 64 && total > 0; attempt++)
        {
            var pick = random.Next(total);
            if (pick >= tree.Count)
            {
                if (overlay[pick - tree.Count].ProjectId == 0)
                    return overlay[pick - tree.Count];
            }
            else if (items[pick].ProjectId == 0 && !removed.Contains(pick))
            {
                return items[pick];
            }
        }
        // Mostly private or deleted: fall back to drawing among the public ones explicitly.
        var chooser = new RandomChoice(random);
        Scan(new ImageFilter(), ref chooser);
        return chooser.Chosen;
    }

    // Past this many images of the user, a search with areas walks the tree instead: a small area holds fewer.
    private const int UserListWithAreasMost = 20_000;

    private struct TreeAdapter<TVisitor>(IndexState state, ImageFilter filter, TVisitor inner) : PointTree.IVisitor
        where TVisitor : struct, IMatchVisitor
    {
        public TVisitor Inner = inner;

        /// <summary>The filter's area being searched: an image also in an earlier one was visited already.</summary>
        public int Area;

        public void Visit(int position)
        {
            ref readonly var image = ref state.items[position];
            if (filter.Matches(image) && (state.removed.Count == 0 || !state.removed.Contains(position)) && !InEarlierArea(image))
                Inner.Visit(image);
        }

        private readonly bool InEarlierArea(in IndexedImage image)
        {
            for (var earlier = 0; earlier < Area; earlier++)
                if (filter.Areas![earlier].Contains(image.Lat, image.Lon))
                    return true;
            return false;
        }
    }

    /// <summary>The base's positions grouped by user, ascending within each user (a counting sort of the base).</summary>
    private sealed class UserRuns(int[] starts, int[] positions)
    {
        public long Bytes => ((long)starts.Length + positions.Length) * sizeof(int);

        public ReadOnlySpan<int> Of(int userId) =>
            userId >= 0 && userId + 1 < starts.Length ? positions.AsSpan(starts[userId], starts[userId + 1] - starts[userId]) : [];

        public static UserRuns Of(IndexedImage[] items, int count)
        {
            var maxUser = -1;
            for (var i = 0; i < count; i++)
                maxUser = Math.Max(maxUser, items[i].UserId);
            var starts = new int[maxUser + 2];
            for (var i = 0; i < count; i++)
                if (items[i].UserId >= 0)
                    starts[items[i].UserId + 1]++;
            for (var user = 1; user < starts.Length; user++)
                starts[user] += starts[user - 1];
            var next = starts[..^1];
            var positions = new int[starts[^1]];
            for (var i = 0; i < count; i++)
                if (items[i].UserId >= 0)
                    positions[next[items[i].UserId]++] = i;
            return new UserRuns(starts, positions);
        }
    }
}

/// <summary>Chooses one of the visited images uniformly (reservoir sampling).</summary>
public struct RandomChoice(Random random) : IndexState.IMatchVisitor
{
    private long seen;
    public IndexedImage? Chosen { get; private set; }

    public void Visit(in IndexedImage image)
    {
        if (random.NextInt64(++seen) == 0)
            Chosen = image;
    }
}
