using Sightline.Search.Index;

namespace Sightline.Tiles;

/// <summary>
/// One immutable version of the map's sequences (see <see cref="SequenceGeometry"/>), with the search index's version
/// its image ids refer to. The query API every map layer reads: sequences and images within bounds.
/// </summary>
public sealed class SequenceMap
{
    private readonly SequenceShape[] shapes;   // sequences with at least one visible image
    private readonly double[] bounds;          // minLat, minLon, maxLat, maxLon of shapes[i], scanned without pointer chasing
    private readonly Dictionary<int, SequenceShape> byId;
    private readonly Func<int, string> usernames;

    public SequenceMap(SequenceShape[] shapes, IndexState images, long epoch, TileChanges changes, Func<int, string> usernames)
        : this(shapes, Bounds(shapes), shapes.ToDictionary(s => s.Id), images, epoch, changes, usernames)
    {
    }

    private SequenceMap(SequenceShape[] shapes, double[] bounds, Dictionary<int, SequenceShape> byId, IndexState images, long epoch,
        TileChanges changes, Func<int, string> usernames)
    {
        Changes = changes;
        this.shapes = shapes;
        this.bounds = bounds;
        this.byId = byId;
        this.usernames = usernames;
        Images = images;
        Epoch = epoch;
    }

    /// <summary>The search index's version the image ids resolve in.</summary>
    public IndexState Images { get; }

    /// <summary>Counts the versions of the sequences within this process: equal epochs draw equal maps.</summary>
    public long Epoch { get; }

    /// <summary>Where the sequences changed in the epochs up to this one: what a tile drawn earlier checks.</summary>
    public TileChanges Changes { get; }

    public int SequenceCount => shapes.Length;

    /// <summary>
    /// Metres mapped: every sequence's line (of one user's sequences, when given) added up, each measured once per
    /// version of its shape (<see cref="SequenceShape.PathMeters"/>). The stats' and the profiles' distance.
    /// </summary>
    public long LineMeters(int? userId = null)
    {
        double meters = 0;
        foreach (var shape in shapes)
            if (userId is null || shape.UserId == userId)
                meters += shape.PathMeters(Images);
        return (long)Math.Round(meters);
    }

    /// <summary>Every sequence with a visible image, in no particular order.</summary>
    public IReadOnlyList<SequenceShape> Sequences => shapes;

    /// <summary>The same sequences over a later version of the index that changed none of them.</summary>
    public SequenceMap With(IndexState images) => new(shapes, bounds, byId, images, Epoch, Changes, usernames);

    /// <summary>
    /// The sequences with a visible image in any of the boxes (edges included), newest first by the capture time of
    /// their earliest processed image, then key; the first <paramref name="limit"/> of them.
    /// </summary>
    public List<SequenceShape> SequencesIn(IReadOnlyList<GeoBox> boxes, int limit)
    {
        var found = new List<SequenceShape>();
        if (boxes.Sum(b => (b.MaxLat - b.MinLat) * (b.MaxLon - b.MinLon)) < PointSearchMaxSquareDegrees)
        {
            // A small box: the search index's tree finds the images in it, and so their sequences.
            var visitor = new SequenceIds([]);
            Images.Scan(new ImageFilter { Areas = boxes }, ref visitor);
            foreach (var id in visitor.Ids)
                if (byId.TryGetValue(id, out var shape))
                    found.Add(shape);
        }
        else
        {
            // A large one holds most sequences whole: their bounds decide, their images only for those on its edges.
            for (var i = 0; i < shapes.Length; i++)
            {
                foreach (var box in boxes)
                {
                    if (!box.Intersects(bounds[i * 4], bounds[i * 4 + 1], bounds[i * 4 + 2], bounds[i * 4 + 3]) || !shapes[i].HasMemberIn(box, Images))
                        continue;
                    found.Add(shapes[i]);
                    break;
                }
            }
        }
        found.Sort(SequenceShape.NewestFirst);
        if (found.Count > limit)
            found.RemoveRange(limit, found.Count - limit);
        return found;
    }

    // Below about a zoom-8 tile the images in the box are fewer than the sequences' bounds to test.
    private const double PointSearchMaxSquareDegrees = 2;

    /// <summary>The visible images of a sequence, in its order.</summary>
    public IndexedImage[] MembersOf(SequenceShape shape)
    {
        var members = new IndexedImage[shape.Members.Length];
        var n = 0;
        foreach (var id in shape.Members)
            if (Images.TryGet(id, out var image))
                members[n++] = image;
        return n == members.Length ? members : members[..n];
    }

    /// <summary>
    /// The visible images of a sequence, in its order, into <paramref name="into"/> (as long as the shape's members);
    /// returns how many there are. For callers that keep none of them (a drawing): no array per sequence.
    /// </summary>
    public int MembersOf(SequenceShape shape, Span<IndexedImage> into)
    {
        var n = 0;
        foreach (var id in shape.Members)
            if (Images.TryGet(id, out into[n]))
                n++;
        return n;
    }

    /// <summary>
    /// Public, visible images in the boxes (only one user's when <paramref name="userId"/> is given), newest first then key,
    /// at most <paramref name="limit"/>.
    /// </summary>
    public IReadOnlyList<IndexedImage> ImagesIn(IReadOnlyList<GeoBox> boxes, int limit, int? userId = null)
    {
        var top = new TopK(limit, HitOrder.NewestFirst);
        var visitor = new Collector(top);
        Images.Scan(new ImageFilter { Areas = boxes, UserId = userId }, ref visitor);
        return top.Sorted().Select(h => h.Image).ToList();
    }

    public string Username(int userId) => usernames(userId);

    /// <summary>The shape of a sequence with a visible image; null for any other.</summary>
    public SequenceShape? Shape(int sequenceId) => byId.GetValueOrDefault(sequenceId);

    /// <summary>The key of a sequence with a visible image; null for any other.</summary>
    public string? SequenceKey(int sequenceId) => Shape(sequenceId)?.Key;

    private static double[] Bounds(SequenceShape[] shapes)
    {
        var bounds = new double[shapes.Length * 4];
        for (var i = 0; i < shapes.Length; i++)
        {
            var b = shapes[i].Bounds;
            bounds[i * 4] = b.MinLat; bounds[i * 4 + 1] = b.MinLon; bounds[i * 4 + 2] = b.MaxLat; bounds[i * 4 + 3] = b.MaxLon;
        }
        return bounds;
    }

    // The point tree keeps nearby photos together, so a sequence's photos in the box mostly come one after another: the
    // set is only asked about a change of sequence (a 10M-photo archive has thousands of photos in a street tile).
    private struct SequenceIds(HashSet<int> ids) : IndexState.IMatchVisitor
    {
        private int last;

        public readonly HashSet<int> Ids => ids;

        public void Visit(in IndexedImage image)
        {
            if (image.SequenceId != 0 && image.SequenceId != last)
                ids.Add(last = image.SequenceId);
        }
    }

    private readonly struct Collector(TopK top) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image) => top.Offer(new Hit(image, 0));
    }
}
