namespace Sightline.Client.Models;

/// <summary>A geohash cell as mapillary-js 1.x reads it (<c>/v2/nav</c>): the cell, its images and their sequences.</summary>
public sealed record NavigationCell
{
    /// <summary>The cell's geohash (one, of 7 characters).</summary>
    public IReadOnlyList<string> Hs { get; init; } = [];

    /// <summary>The images in the cell.</summary>
    public IReadOnlyList<NavigationImage> Ims { get; init; } = [];

    /// <summary>The sequences of those images, each with all its image keys in order.</summary>
    public IReadOnlyList<NavigationSequence> Ss { get; init; } = [];
}

/// <summary>An image of a navigation cell.</summary>
public sealed record NavigationImage
{
    /// <summary>The image key.</summary>
    public string Key { get; init; } = "";

    /// <summary>The uploader's username.</summary>
    public string User { get; init; } = "";

    /// <summary>When the photo was taken, milliseconds since the Unix epoch (UTC).</summary>
    public long CapturedAt { get; init; }

    /// <summary>Latitude, degrees.</summary>
    public double Lat { get; init; }

    /// <summary>Longitude, degrees.</summary>
    public double Lon { get; init; }

    /// <summary>Camera compass angle in degrees; null when the photo recorded none.</summary>
    public double? Ca { get; init; }

    /// <summary>Always 1: the image files are served upright.</summary>
    public int Orientation { get; init; }

    /// <summary>Width of the upright image, pixels.</summary>
    public int Width { get; init; }

    /// <summary>Height of the upright image, pixels.</summary>
    public int Height { get; init; }
}

/// <summary>A sequence of a navigation cell: its key and every image key in order.</summary>
public sealed record NavigationSequence
{
    /// <summary>The sequence key.</summary>
    public string Key { get; init; } = "";

    /// <summary>The image keys in sequence order.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];
}
