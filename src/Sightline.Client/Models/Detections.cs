using System.Text.Json.Serialization;

namespace Sightline.Client.Models;

/// <summary>A machine detection (spec §1.7 DR): a traffic sign found by a detector package, where and how surely.</summary>
public sealed record DetectionRect
{
    /// <summary>The package that produced it, e.g. <c>trafficsign_eu_6.0</c>.</summary>
    public string Package { get; init; } = "";

    /// <summary>How confident the match is: a decimal string exactly as the detector sent it (not bounded to 0-1).</summary>
    public string Score { get; init; } = "";

    /// <summary>The class name, e.g. <c>regulatory--stop--us</c>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>[x_min, y_min, x_max, y_max]</c>, normalized, origin at the top left.</summary>
    public double[] Rect { get; init; } = [];
}

/// <summary>A rectangle of a user's version of the detections.</summary>
public sealed record VersionRect
{
    /// <summary><c>[x_min, y_min, x_max, y_max]</c>, normalized, origin at the top left.</summary>
    public double[] Rect { get; init; } = [];

    /// <summary>The class name.</summary>
    public string Type { get; init; } = "";

    /// <summary>The score, when the rectangle came from a detector.</summary>
    public string? Score { get; init; }

    /// <summary>True when a user drew it.</summary>
    public bool UserDefined { get; init; }
}

/// <summary>A user's version of an image's detections for one package.</summary>
public sealed record DetectionVersion
{
    /// <summary>The version's id: when it was made, milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; init; }

    /// <summary>Who made it.</summary>
    public string User { get; init; } = "";

    /// <summary>The package it concerns.</summary>
    public string Package { get; init; } = "";

    /// <summary>Its rectangles.</summary>
    public IReadOnlyList<VersionRect> Rects { get; init; } = [];
}

/// <summary>A user's confirmation of a package's version.</summary>
public sealed record DetectionConfirmation
{
    /// <summary>The package confirmed.</summary>
    public string Package { get; init; } = "";

    /// <summary>Who confirmed it.</summary>
    public string User { get; init; } = "";

    /// <summary>The confirmed version's <see cref="DetectionVersion.Timestamp"/>.</summary>
    public long Version { get; init; }
}

/// <summary>An image's object-recognition results from <c>GET /v2/im/{key}/or</c>.</summary>
public sealed record ImageDetections
{
    /// <summary>Compass angle, degrees; null when unknown.</summary>
    public double? Ca { get; init; }

    /// <summary>When the photo was taken, milliseconds since the Unix epoch.</summary>
    public long CapturedAt { get; init; }

    /// <summary>The image key.</summary>
    public string Key { get; init; } = "";

    /// <summary>Latitude, degrees.</summary>
    public double Lat { get; init; }

    /// <summary>Longitude, degrees.</summary>
    public double Lon { get; init; }

    /// <summary>The uploader's username.</summary>
    public string User { get; init; } = "";

    /// <summary>The machine detections.</summary>
    public IReadOnlyList<DetectionRect> OrRects { get; init; } = [];

    /// <summary>Versions classified by users.</summary>
    public IReadOnlyList<DetectionVersion> OrRectversions { get; init; } = [];

    /// <summary>True once every package has run on the image.</summary>
    public bool OrDone { get; init; }

    /// <summary>The packages that have run on the image.</summary>
    public IReadOnlyList<string> OrPackages { get; init; } = [];

    /// <summary>Confirmations of user versions.</summary>
    public IReadOnlyList<DetectionConfirmation> OrConfirmedPackages { get; init; } = [];
}

/// <summary>A random image with detections, from <c>GET /v2/search/im/or/random</c>.</summary>
public sealed record RandomDetections
{
    /// <summary>The image key.</summary>
    public string Key { get; init; } = "";

    /// <summary>Its machine detections.</summary>
    public IReadOnlyList<DetectionRect> Rects { get; init; } = [];

    /// <summary>User versions.</summary>
    public IReadOnlyList<DetectionVersion> Orversions { get; init; } = [];

    /// <summary>Undocumented in the original; always 1 here.</summary>
    public int RandomType { get; init; }
}

/// <summary>An image with the detections that matched a search, from <c>/v2/search/im/or</c> (no capture time or place there).</summary>
public sealed record DetectedImage
{
    /// <summary>The image key.</summary>
    public string Key { get; init; } = "";

    /// <summary>Compass angle, degrees; null when unknown.</summary>
    public double? Ca { get; init; }

    /// <summary>Latitude, degrees.</summary>
    public double Lat { get; init; }

    /// <summary>Longitude, degrees.</summary>
    public double Lon { get; init; }

    /// <summary>The uploader's username.</summary>
    public string User { get; init; } = "";

    /// <summary>The matching detections, best score first.</summary>
    public IReadOnlyList<DetectionRect> Rects { get; init; } = [];
}

/// <summary>One detection a detector submits with <see cref="SightlineClient.SubmitDetectionsAsync"/>.</summary>
public sealed record DetectionSubmission
{
    /// <summary>The class name, one of the package's classes.</summary>
    public string Type { get; init; } = "";

    /// <summary>The score as a decimal string; stored and returned exactly as sent.</summary>
    public string Score { get; init; } = "";

    /// <summary><c>[x_min, y_min, x_max, y_max]</c>, normalized, origin at the top left.</summary>
    public double[] Rect { get; init; } = [];
}

internal sealed record DetectionSubmissionBody([property: JsonPropertyName("or_rects")] IReadOnlyList<DetectionSubmission> OrRects);
