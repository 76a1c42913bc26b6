using System.Runtime.InteropServices;
using Sightline.Search.Index;

namespace Sightline.Tiles;

/// <summary>
/// What the map knows of one sequence: its visible public images in order (by row id, looked up in the search index's
/// version), its other processed images (hidden by a complaint or of a project: they still count for its order), the
/// bounds of the visible ones and its two capture times. Immutable, but for the drawing the tiles keep with it.
/// </summary>
public sealed class SequenceShape
{
    private SequenceShape(int id, string key, int userId, int[] members, int[] others, GeoBox bounds, long capturedAt, long orderCapturedAt)
    {
        Id = id;
        Key = key;
        UserId = userId;
        Members = members;
        Others = others;
        Bounds = bounds;
        CapturedAt = capturedAt;
        OrderCapturedAt = orderCapturedAt;
    }

    public int Id { get; }
    public string Key { get; }
    public int UserId { get; }
    /// <summary>Row ids of the visible images, by capture time then id (the order of the sequence's line).</summary>
    public int[] Members { get; }
    /// <summary>Row ids of its other processed images: hidden by a complaint, or of a project.</summary>
    public int[] Others { get; }
    /// <summary>The bounds of the visible images; meaningless without members.</summary>
    public GeoBox Bounds { get; }
    /// <summary>The earliest capture time of the visible images (spec §5 item 48), as the tile shows it.</summary>
    public long CapturedAt { get; }
    /// <summary>The earliest capture time of all its processed images, hidden ones included: the tiles' order, newest first.</summary>
    public long OrderCapturedAt { get; }

    /// <summary>Builds the shape of the sequence from its image ids as <paramref name="state"/> has them; null when none is left.</summary>
    public static SequenceShape? Build(int id, string key, IEnumerable<int> imageIds, IndexState state)
    {
        // Sorted as (capture time, id) pairs, not as whole images: building every shape of a 10M-photo archive at start
        // spent a third of its time growing and sorting lists of 68-byte images.
        var visible = new List<(long CapturedAt, int Id)>(imageIds.TryGetNonEnumeratedCount(out var count) ? count : 16);
        var others = new List<int>();
        var order = long.MaxValue;
        double minLat = double.MaxValue, minLon = double.MaxValue, maxLat = double.MinValue, maxLon = double.MinValue;
        (long CapturedAt, int Id) first = (long.MaxValue, int.MaxValue);
        var userId = 0;
        foreach (var imageId in imageIds)
        {
            if (!state.TryGet(imageId, out var image) || image.SequenceId != id)
                continue;
            order = Math.Min(order, image.CapturedAt);
            if (image.ProjectId != 0)
            {
                others.Add(image.Id);
                continue;
            }
            visible.Add((image.CapturedAt, image.Id));
            minLat = Math.Min(minLat, image.Lat); maxLat = Math.Max(maxLat, image.Lat);
            minLon = Math.Min(minLon, image.Lon); maxLon = Math.Max(maxLon, image.Lon);
            if ((image.CapturedAt, image.Id).CompareTo(first) < 0)
            {
                first = (image.CapturedAt, image.Id);
                userId = image.UserId;
            }
        }
        if (visible.Count == 0 && others.Count == 0)
            return null;
        var sorted = CollectionsMarshal.AsSpan(visible);
        sorted.Sort();
        var members = new int[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
            members[i] = sorted[i].Id;
        return new SequenceShape(id, key, userId, members, [.. others],
            new GeoBox(minLat, minLon, maxLat, maxLon), visible.Count > 0 ? first.CapturedAt : 0, order);
    }

    /// <summary>
    /// The vector tiles' drawing of this version of the sequence, made by the first tile (or the start's preparation)
    /// that needs it and kept as long as this version is (<see cref="SequenceTiles"/>, when drawings are not capped by
    /// <see cref="TileOptions.PropertyCacheMegabytes"/>): a change makes a new shape, and the old drawing goes with the
    /// old shape, so the drawings' memory follows the archive. Set once, from null.
    /// </summary>
    internal SequenceDrawing? Drawing;

    private double pathMeters = double.NaN;

    /// <summary>
    /// The length of its line in metres: from visible image to visible image in order, along the sphere (the stats'
    /// distance mapped). Measured once per shape, from the version of the index the shape belongs to: a write that moves,
    /// adds or removes one of its images makes a new shape.
    /// </summary>
    public double PathMeters(IndexState state)
    {
        var known = Volatile.Read(ref pathMeters);
        if (!double.IsNaN(known))
            return known;
        double length = 0;
        IndexedImage previous = default;
        var first = true;
        foreach (var id in Members)
        {
            if (!state.TryGet(id, out var image))
                continue;
            if (!first)
                length += Geodesy.DistanceMeters(previous.Lat, previous.Lon, image.Lat, image.Lon);
            previous = image;
            first = false;
        }
        Volatile.Write(ref pathMeters, length);
        return length;
    }

    /// <summary>Every image id of the sequence, visible or not.</summary>
    public IEnumerable<int> AllIds => Members.Concat(Others);

    /// <summary>Whether one of the visible images lies in the box (edges included), as the box search finds them.</summary>
    public bool HasMemberIn(in GeoBox box, IndexState state)
    {
        if (Members.Length == 0 || !box.Intersects(Bounds.MinLat, Bounds.MinLon, Bounds.MaxLat, Bounds.MaxLon))
            return false;
        if (box.Contains(Bounds.MinLat, Bounds.MinLon) && box.Contains(Bounds.MaxLat, Bounds.MaxLon))
            return true;
        foreach (var id in Members)
            if (state.TryGet(id, out var image) && box.Contains(image.Lat, image.Lon))
                return true;
        return false;
    }

    /// <summary>The tiles' order: newest first by <see cref="OrderCapturedAt"/>, then key.</summary>
    public static readonly Comparison<SequenceShape> NewestFirst = (a, b) =>
        a.OrderCapturedAt != b.OrderCapturedAt ? b.OrderCapturedAt.CompareTo(a.OrderCapturedAt) : string.CompareOrdinal(a.Key, b.Key);
}
