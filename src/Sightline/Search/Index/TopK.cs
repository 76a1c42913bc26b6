namespace Sightline.Search.Index;

/// <summary>One image found by a search, with its distance from the centre of a close search.</summary>
public readonly record struct Hit(IndexedImage Image, double Distance)
{
    /// <summary>
    /// The distance in tenths of a metre, rounded half away from zero: what close searches order by, and what they show
    /// as metres (<see cref="ShownDistance"/>; the spec's example is <c>"distance":7.4</c>).
    /// </summary>
    public long Decimetres => (long)Math.Round(Distance * 10, MidpointRounding.AwayFromZero);

    /// <summary>Metres to a tenth, as the answer writes them: <see cref="Decimetres"/> over ten, nothing finer.</summary>
    public double ShownDistance => Decimetres / 10.0;
}

/// <summary>An order of hits; a struct, so that a heap over it compares without a delegate call or a copy of each hit.</summary>
public interface IHitOrder
{
    int Compare(in Hit a, in Hit b);
}

/// <summary>The search orders: each is total (the key breaks every tie), so paging is stable.</summary>
public static class HitOrder
{
    /// <summary>Newest capture first, then key.</summary>
    public readonly struct NewestFirstOrder : IHitOrder
    {
        public int Compare(in Hit a, in Hit b)
        {
            var byTime = b.Image.CapturedAt.CompareTo(a.Image.CapturedAt);
            return byTime != 0 ? byTime : IndexedImage.CompareKeys(a.Image, b.Image);
        }
    }

    /// <summary>Nearest first in tenths of a metre (as shown), then key.</summary>
    public readonly struct NearestOrder : IHitOrder
    {
        public int Compare(in Hit a, in Hit b)
        {
            var byDistance = a.Decimetres.CompareTo(b.Decimetres);
            return byDistance != 0 ? byDistance : IndexedImage.CompareKeys(a.Image, b.Image);
        }
    }

    /// <summary>Any other order, as a delegate.</summary>
    public readonly struct ByDelegate(Comparison<Hit> order) : IHitOrder
    {
        public int Compare(in Hit a, in Hit b) => order(a, b);
    }

    /// <summary>Newest capture first, then key.</summary>
    public static readonly Comparison<Hit> NewestFirst = (a, b) => default(NewestFirstOrder).Compare(a, b);

    /// <summary>Nearest first in tenths of a metre (as shown), then key.</summary>
    public static readonly Comparison<Hit> Nearest = (a, b) => default(NearestOrder).Compare(a, b);
}

/// <summary>Keeps the first <c>capacity</c> hits of an order out of any number offered (a bounded max-heap).</summary>
public sealed class TopK(int capacity, Comparison<Hit> order) : TopK<HitOrder.ByDelegate>(capacity, new HitOrder.ByDelegate(order));

/// <summary>Keeps the first <c>capacity</c> hits of an order out of any number offered (a bounded max-heap).</summary>
public class TopK<TOrder>(int capacity, TOrder order) where TOrder : struct, IHitOrder
{
    private readonly Hit[] heap = new Hit[Math.Max(1, capacity)];
    private int count;

    /// <summary>How many hits were offered in all, kept or not.</summary>
    public long Offered { get; private set; }

    /// <summary>Whether as many hits are kept as it can hold: offered in its order, later ones would all be refused.</summary>
    public bool Full => count >= capacity;

    public void Offer(in Hit hit)
    {
        Offered++;
        if (count < capacity)
        {
            heap[count] = hit;
            SiftUp(count++);
        }
        else if (capacity > 0 && order.Compare(hit, heap[0]) < 0)
        {
            heap[0] = hit;
            SiftDown(0);
        }
    }

    /// <summary>The kept hits, first to last.</summary>
    public Hit[] Sorted()
    {
        var result = heap.AsSpan(0, count).ToArray();
        result.AsSpan().Sort(new Comparer(order));
        return result;
    }

    /// <summary>
    /// The kept hits from <paramref name="offset"/> on, at most <paramref name="limit"/>, first to last, sorted in the
    /// heap's own array (no copy): the heap is used up. <paramref name="more"/> tells whether any was kept after them.
    /// </summary>
    public ArraySegment<Hit> TakePage(int offset, int limit, out bool more)
    {
        var kept = heap.AsSpan(0, count);
        kept.Sort(new Comparer(order));
        more = count > offset + limit;
        var start = Math.Min(offset, count);
        var page = new ArraySegment<Hit>(heap, start, Math.Min(limit, count - start));
        count = 0;
        return page;
    }

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (order.Compare(heap[i], heap[parent]) <= 0)
                return;
            (heap[i], heap[parent]) = (heap[parent], heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = 2 * i + 1;
            if (left >= count)
                return;
            var worst = left + 1 < count && order.Compare(heap[left + 1], heap[left]) > 0 ? left + 1 : left;
            if (order.Compare(heap[worst], heap[i]) <= 0)
                return;
            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }

    private readonly struct Comparer(TOrder order) : IComparer<Hit>
    {
        public int Compare(Hit a, Hit b) => order.Compare(a, b);
    }
}
