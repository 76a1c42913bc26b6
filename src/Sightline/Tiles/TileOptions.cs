namespace Sightline.Tiles;

/// <summary>Vector tile settings (section <c>Tiles</c>).</summary>
public sealed class TileOptions
{
    /// <summary>Memory for encoded tiles kept between requests, in megabytes; 0 turns the cache off.</summary>
    public int CacheMegabytes { get; set; } = 64;

    /// <summary>
    /// Memory for what every tile a sequence crosses needs of it (its keys and angles as JSON, and its path projected to
    /// pixels), in megabytes; 0 turns it off. About 110 bytes a photo.
    /// </summary>
    public int PropertyCacheMegabytes { get; set; } = 128;

    /// <summary>
    /// Whether a started server builds every sequence's drawing (within <see cref="PropertyCacheMegabytes"/>) and draws a
    /// few tiles in the background, so that its first tiles are drawn as fast as later ones.
    /// </summary>
    public bool PrepareAtStart { get; set; } = true;

    /// <summary>
    /// The highest zoom drawn as an overview (<see cref="SequenceOverview"/>: a bounded sample of lines without keys
    /// and angles); -1 draws every zoom with whole sequences.
    /// </summary>
    public int OverviewMaxZoom { get; set; } = 5;
}
