namespace Sightline.Tiles;

/// <summary>Vector tile settings (section <c>Tiles</c>).</summary>
public sealed class TileOptions
{
    /// <summary>Memory for encoded tiles kept between requests, in megabytes; 0 turns the cache off.</summary>
    public int CacheMegabytes { get; set; } = 64;

    /// <summary>
    /// What every tile a sequence crosses needs of it (its keys and angles as JSON, and its path projected to pixels: a
    /// <see cref="SequenceDrawing"/>, about 60 bytes a photo) is made once per sequence version. -1 (the default) keeps
    /// every drawing with its sequence, so this memory follows the archive (about 600 MB for 10 million public photos)
    /// and no tile rebuilds one; a positive number caps it at that many megabytes, least recently used out (beyond it
    /// a tile rebuilds the drawings it needs, most of a miss's time); 0 keeps none.
    /// </summary>
    public int PropertyCacheMegabytes { get; set; } = -1;

    /// <summary>
    /// Whether a started server builds every sequence's drawing (within <see cref="PropertyCacheMegabytes"/> when it is
    /// capped) and draws a few tiles in the background, so that its first tiles are drawn as fast as later ones.
    /// </summary>
    public bool PrepareAtStart { get; set; } = true;

    /// <summary>
    /// The highest zoom drawn as an overview (<see cref="SequenceOverview"/>: a bounded sample of lines without keys
    /// and angles); -1 draws every zoom with whole sequences.
    /// </summary>
    public int OverviewMaxZoom { get; set; } = 5;

    /// <summary>
    /// How many image changes the in-memory sequences (<see cref="SequenceGeometry"/>) keep while no tile is read; past
    /// it they are dropped and the next tile rebuilds them all from the search index (nothing is lost, a start's work).
    /// </summary>
    public int MaxPendingChanges { get; set; } = 1 << 20;
}
