namespace Sightline.Tiles;

/// <summary>Vector tile settings (section <c>Tiles</c>).</summary>
public sealed class TileOptions
{
    /// <summary>Memory for encoded tiles kept between requests, in megabytes; 0 turns the cache off.</summary>
    public int CacheMegabytes { get; set; } = 64;

    /// <summary>
    /// Memory for the sequences' tile properties (their keys and angles as JSON, shared by every tile a sequence crosses),
    /// in megabytes; 0 turns it off. About 90 bytes a photo.
    /// </summary>
    public int PropertyCacheMegabytes { get; set; } = 128;
}
