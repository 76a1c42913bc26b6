namespace Sightline.Client.Models;

/// <summary>An image summary (spec §1.7 IS): where and when a photo was taken, by whom, facing where.</summary>
public record ImageSummary
{
    /// <summary>The image key.</summary>
    public string Key { get; init; } = "";

    /// <summary>Camera compass angle in degrees (0-360); null when the photo recorded none.</summary>
    public double? Ca { get; init; }

    /// <summary>When the photo was taken, milliseconds since the Unix epoch (UTC).</summary>
    public long CapturedAt { get; init; }

    /// <summary>Latitude, degrees.</summary>
    public double Lat { get; init; }

    /// <summary>Longitude, degrees.</summary>
    public double Lon { get; init; }

    /// <summary>A place name for the spot; null when the server has none.</summary>
    public string? Location { get; init; }

    /// <summary>The uploader's username.</summary>
    public string User { get; init; } = "";

    /// <summary>The key of the sequence the image belongs to (a Sightline addition); null when not known.</summary>
    public string? SequenceKey { get; init; }

    /// <summary>Metres from the searched point, on the <c>close</c> searches only; null elsewhere.</summary>
    public double? Distance { get; init; }

    /// <summary><see cref="CapturedAt"/> as a <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset CapturedTime => DateTimeOffset.FromUnixTimeMilliseconds(CapturedAt);
}

/// <summary>An image found in a what3words square (<c>GET /v2/search/im/w3w</c>): its key and position only.</summary>
public sealed record ImageLocation
{
    /// <summary>The image key.</summary>
    public string Key { get; init; } = "";

    /// <summary>Longitude, degrees.</summary>
    public double Lon { get; init; }

    /// <summary>Latitude, degrees.</summary>
    public double Lat { get; init; }
}

internal sealed record ImageLocationsEnvelope(IReadOnlyList<ImageLocation>? Ims);

/// <summary>The width of one of the server's fixed thumbnail sizes (never upscaled).</summary>
public enum ThumbnailSize
{
    /// <summary>320 pixels wide.</summary>
    Width320 = 320,

    /// <summary>640 pixels wide.</summary>
    Width640 = 640,

    /// <summary>1024 pixels wide.</summary>
    Width1024 = 1024,

    /// <summary>2048 pixels wide.</summary>
    Width2048 = 2048,
}
