namespace Sightline.Tiles;

/// <summary>Vector tile settings (section <c>Tiles</c>).</summary>
public sealed class TileOptions
{
    /// <summary>Memory for encoded tiles kept between requests, in megabytes; 0 turns the cache off.</summary>
    public int CacheMegabytes { get; set; } = 64;
}
