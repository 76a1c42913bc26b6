namespace Sightline.Search.Index;

/// <summary>One image found by a search, with its distance from the centre of a close search.</summary>
public readonly record struct Hit(IndexedImage Image, double Distance)
{
    /// <summary>Whole metres: what the answer shows and what close searches order by.</summary>
    public long RoundedDistance => (long)Math.Round(Distance, MidpointRounding.AwayFromZero);
}

/// <summary>The search orders: each is total (the key breaks every tie), so paging is stable.</summary>
public static class HitOrder
{
    /// <summary>Newest capture first, then key.</summary>
    public static readonly Comparison<Hit> NewestFirst = (a, b) =>
    {
        var byTime = b.Image.CapturedAt.CompareTo(a.Image.CapturedAt);
        return byTime != 0 ? byTime : IndexedImage.CompareKeys(a.Image, b.Image);
    };

    /// <summary>Nearest first in whole metres (as shown), then key.</summary>
    public static readonly Comparison<Hit> Nearest = (a, b) =>
    {
        var byDistance = a.RoundedDistance.CompareTo(b.RoundedDistance);
        return byDistance != 0 ? byDistance : IndexedImage.CompareKeys(a.Image, b.Image);
    };
}

/// <summary>Keeps the first <c>capacity</c> hits of an order out of any number offered (a bounded max-heap).</summary>
public sealed class TopK(int capacity, Comparison<Hit> order)
{
    private readonly Hit[] heap = new Hit[Math.Max(1, capacity)];
    private int count;

    /// <summary>How many hits were offered in all, kept or not.</summary>
    public long Offered { get; private set; }

    public void Offer(in Hit hit)
    {
        Offered++;
        if (count < capacity)
        {
            heap[count] = hit;
            SiftUp(count++);
        }
        else if (capacity > 0 && order(hit, heap[0]) < 0)
        {
            heap[0] = hit;
            SiftDown(0);
        }
    }

    /// <summary>The kept hits, first to last.</summary>
    public Hit[] Sorted()
    {
        var result = heap.AsSpan(0, count).ToArray();
        Array.Sort(result, order);
        return result;
    }

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (order(heap[i], heap[parent]) <= 0)
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
            var worst = left + 1 < count && order(heap[left + 1], heap[left]) > 0 ? left + 1 : left;
            if (order(heap[worst], heap[i]) <= 0)
                return;
            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }
}
