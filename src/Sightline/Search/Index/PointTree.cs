namespace Sightline.Search.Index;

/// <summary>
/// A static packed Hilbert R-tree over points (the flatbush design): the items are sorted along a
/// Hilbert curve and every run of <see cref="NodeSize"/> gets a bounding box, then every run of
/// boxes, up to one root level. No pointers: node j of a level covers children j*16..j*16+15.
/// </summary>
public sealed class PointTree
{
    public const int NodeSize = 16;

    private readonly IndexedImage[] items;
    private readonly int count;
    // levels[0] describes runs of items; levels[k] runs of levels[k-1]; each box is minLat, minLon, maxLat, maxLon.
    private readonly double[][] levels;

    private PointTree(IndexedImage[] items, int count, double[][] levels)
    {
        this.items = items;
        this.count = count;
        this.levels = levels;
    }

    /// <summary>Visits the position of each item inside a box.</summary>
    public interface IVisitor
    {
        void Visit(int position);
    }

    /// <summary>Sorts <paramref name="items"/>[0..count) along the Hilbert curve in place and builds the boxes.</summary>
    public static PointTree Build(IndexedImage[] items, int count)
    {
        var curve = new ulong[count];
        for (var i = 0; i < count; i++)
            curve[i] = Hilbert.Index(items[i].Lat, items[i].Lon);
        Array.Sort(curve, items, 0, count);
        return Index(items, count);
    }

    /// <summary>Builds the boxes over items already in Hilbert order (as a snapshot stores them).</summary>
    public static PointTree Index(IndexedImage[] items, int count)
    {
        var levels = new List<double[]>();
        var below = count;
        double[]? previous = null;
        do
        {
            var nodes = (below + NodeSize - 1) / NodeSize;
            var boxes = new double[nodes * 4];
            for (var node = 0; node < nodes; node++)
            {
                double minLat = double.MaxValue, minLon = double.MaxValue, maxLat = double.MinValue, maxLon = double.MinValue;
                var end = Math.Min(below, (node + 1) * NodeSize);
                for (var child = node * NodeSize; child < end; child++)
                {
                    if (previous is null)
                    {
                        ref readonly var item = ref items[child];
                        minLat = Math.Min(minLat, item.Lat); maxLat = Math.Max(maxLat, item.Lat);
                        minLon = Math.Min(minLon, item.Lon); maxLon = Math.Max(maxLon, item.Lon);
                    }
                    else
                    {
                        minLat = Math.Min(minLat, previous[child * 4]); minLon = Math.Min(minLon, previous[child * 4 + 1]);
                        maxLat = Math.Max(maxLat, previous[child * 4 + 2]); maxLon = Math.Max(maxLon, previous[child * 4 + 3]);
                    }
                }
                boxes[node * 4] = minLat; boxes[node * 4 + 1] = minLon; boxes[node * 4 + 2] = maxLat; boxes[node * 4 + 3] = maxLon;
            }
            levels.Add(boxes);
            previous = boxes;
            below = nodes;
        } while (below > 1);
        return new PointTree(items, count, levels.ToArray());
    }

    public int Count => count;

    /// <summary>Memory held by the boxes (the items belong to the caller).</summary>
    public long BoxBytes => levels.Sum(l => (long)l.Length * sizeof(double));

    public void Search<TVisitor>(in GeoBox box, ref TVisitor visitor) where TVisitor : struct, IVisitor
    {
        if (count == 0)
            return;
        var top = levels.Length - 1;
        var nodes = levels[top].Length / 4;
        for (var node = 0; node < nodes; node++)
            if (Overlaps(levels[top], node, box))
                Descend(top, node, box, ref visitor);
    }

    private void Descend<TVisitor>(int level, int node, in GeoBox box, ref TVisitor visitor) where TVisitor : struct, IVisitor
    {
        var start = node * NodeSize;
        if (level == 0)
        {
            var end = Math.Min(count, start + NodeSize);
            for (var position = start; position < end; position++)
            {
                ref readonly var item = ref items[position];
                if (box.Contains(item.Lat, item.Lon))
                    visitor.Visit(position);
            }
            return;
        }
        var children = levels[level - 1];
        var last = Math.Min(children.Length / 4, start + NodeSize);
        for (var child = start; child < last; child++)
            if (Overlaps(children, child, box))
                Descend(level - 1, child, box, ref visitor);
    }

    // An estimate stops at the lowest level with at most this many nodes.
    private const int EstimateNodes = 4096;

    /// <summary>
    /// Bounds on how many items lie in a box, from the boxes alone: the items under nodes wholly inside it, and under
    /// those that touch it, down to a coarse level (at most 4,096 nodes). A descent like a search's that stops there and
    /// at every node wholly inside: a world box reads the root, a street's box a few dozen boxes.
    /// </summary>
    public (long Inside, long Touching) Estimate(in GeoBox box)
    {
        if (count == 0)
            return (0, 0);
        var stop = 0;
        while (stop < levels.Length - 1 && levels[stop].Length / 4 > EstimateNodes)
            stop++;
        long inside = 0, touching = 0;
        var top = levels.Length - 1;
        var span = (long)NodeSize; // items under one node of the top level
        for (var level = 0; level < top; level++)
            span *= NodeSize;
        for (var node = 0; node < levels[top].Length / 4; node++)
            Estimate(top, node, span, stop, box, ref inside, ref touching);
        return (inside, touching);
    }

    private void Estimate(int level, int node, long span, int stop, in GeoBox box, ref long inside, ref long touching)
    {
        var boxes = levels[level];
        if (!Overlaps(boxes, node, box))
            return;
        var under = Math.Min(count, (node + 1) * span) - node * span;
        if (box.Contains(boxes[node * 4], boxes[node * 4 + 1]) && box.Contains(boxes[node * 4 + 2], boxes[node * 4 + 3]))
        {
            inside += under;
            touching += under;
            return;
        }
        if (level == stop)
        {
            touching += under;
            return;
        }
        var last = Math.Min(levels[level - 1].Length / 4, (node + 1) * NodeSize);
        for (var child = node * NodeSize; child < last; child++)
            Estimate(level - 1, child, span / NodeSize, stop, box, ref inside, ref touching);
    }

    // Inlined into the descent: a close search tests some 50 boxes (it showed as a call of its own in perf profiles, issue 14).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Overlaps(double[] boxes, int node, in GeoBox box) =>
        box.Intersects(boxes[node * 4], boxes[node * 4 + 1], boxes[node * 4 + 2], boxes[node * 4 + 3]);
}

/// <summary>Positions on a Hilbert curve of 2^32 x 2^32 cells over the world (about 1 cm at the equator).</summary>
public static class Hilbert
{
    public static ulong Index(double lat, double lon)
    {
        var x = (uint)Math.Clamp((lon + 180) / 360 * uint.MaxValue, 0, uint.MaxValue);
        var y = (uint)Math.Clamp((lat + 90) / 180 * uint.MaxValue, 0, uint.MaxValue);
        ulong d = 0;
        for (var s = 1u << 31; s > 0; s >>= 1)
        {
            var rx = (x & s) != 0 ? 1u : 0u;
            var ry = (y & s) != 0 ? 1u : 0u;
            d += (ulong)s * s * ((3 * rx) ^ ry);
            if (ry == 0)
            {
                if (rx == 1)
                {
                    x = uint.MaxValue - x;
                    y = uint.MaxValue - y;
                }
                (x, y) = (y, x);
            }
        }
        return d;
    }
}
