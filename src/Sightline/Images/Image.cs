namespace Sightline.Images;

/// <summary>A photo as the server holds it: where and when it was taken, by whom, in which sequence, how far processed.</summary>
public sealed record Image
{
    public long Id { get; init; }
    public string Key { get; init; } = "";
    public long UserId { get; init; }
    public string Username { get; init; } = "";
    public string? SequenceKey { get; init; }
    /// <summary>The project the image is private to; null for a public image.</summary>
    public long? ProjectId { get; init; }
    public ImageState State { get; init; }
    public string ContentHash { get; init; } = "";
    public double Lat { get; init; }
    public double Lon { get; init; }
    public double? Ca { get; init; }
    public long CapturedAt { get; init; }
    public int Orientation { get; init; } = 1;
    public int Width { get; init; }
    public int Height { get; init; }
    /// <summary>The camera as the EXIF named it at upload.</summary>
    public Camera Camera { get; init; } = Camera.Unknown;
    /// <summary>Which set of thumbnails is current; it grows each time blurs are applied.</summary>
    public int DerivativeVersion { get; init; }
}

/// <summary>How far an image has come: only <see cref="Done"/> images are visible to readers.</summary>
public enum ImageState { Received, Processing, Done, Failed }

/// <summary>The database spelling of <see cref="ImageState"/>.</summary>
public static class ImageStates
{
    public static string Name(ImageState state) => state.ToString().ToLowerInvariant();

    public static ImageState Parse(string name) => Enum.Parse<ImageState>(name, ignoreCase: true);
}
