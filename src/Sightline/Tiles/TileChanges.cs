using Sightline.Search.Index;

namespace Sightline.Tiles;

/// <summary>
/// Where the map's sequences changed, version by version: the bounds each changed sequence had before and after. A tile
/// drawn at an older version is still right when none of the changes since then reaches its area, so one edit redraws
/// the tiles around it instead of every tile. Immutable; only the latest <see cref="Capacity"/> boxes are kept, and a
/// tile older than what is kept is treated as changed.
/// </summary>
public sealed class TileChanges
{
    public const int Capacity = 4096;

    private readonly (long Epoch, GeoBox Box)[] boxes; // oldest first
    private readonly long floor;                        // a tile drawn before this version is always redrawn

    private TileChanges((long, GeoBox)[] boxes, long floor)
    {
        this.boxes = boxes;
        this.floor = floor;
    }

    /// <summary>No changes known since <paramref name="epoch"/>, the version of a whole rebuild.</summary>
    public static TileChanges Since(long epoch) => new([], epoch);

    /// <summary>These changes and the boxes <paramref name="epoch"/> touched; the oldest go past <see cref="Capacity"/>.</summary>
    public TileChanges Add(long epoch, IReadOnlyCollection<GeoBox> touched)
    {
        if (touched.Count >= Capacity)
            return Since(epoch);
        var keep = Math.Min(boxes.Length, Capacity - touched.Count);
        var next = new (long, GeoBox)[keep + touched.Count];
        Array.Copy(boxes, boxes.Length - keep, next, 0, keep);
        var i = keep;
        foreach (var box in touched)
            next[i++] = (epoch, box);
        // A dropped box is no longer known: a tile drawn before its version is redrawn.
        var dropped = keep < boxes.Length ? boxes[boxes.Length - keep - 1].Epoch : floor;
        return new TileChanges(next, Math.Max(floor, dropped));
    }

    /// <summary>Whether a tile drawn at version <paramref name="drawnAt"/> over <paramref name="area"/> is still right.</summary>
    public bool Unchanged(long drawnAt, IReadOnlyList<GeoBox> area)
    {
        if (drawnAt < floor)
            return false;
        for (var i = boxes.Length - 1; i >= 0 && boxes[i].Epoch > drawnAt; i--)
        {
            var b = boxes[i].Box;
            foreach (var tile in area)
                if (tile.Intersects(b.MinLat, b.MinLon, b.MaxLat, b.MaxLon))
                    return false;
        }
        return true;
    }
}
