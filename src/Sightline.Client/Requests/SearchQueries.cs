using Sightline.Client.Http;
using Sightline.Client.Models;

namespace Sightline.Client;

/// <summary>The filters every search takes (spec §3.7 group F): capture time, owner, project, hidden images.</summary>
public abstract record SearchFilter
{
    /// <summary>Only images captured at or after this time.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>Only images captured at or before this time.</summary>
    public DateTimeOffset? EndTime { get; init; }

    /// <summary>Only this project's images (needs a token with <c>private:read</c> of a member); otherwise public images.</summary>
    public string? Project { get; init; }

    /// <summary>Include the caller's own hidden images (needs a user token).</summary>
    public bool? Hidden { get; init; }

    /// <summary>Only the token owner's images (needs a user token).</summary>
    public bool? Me { get; init; }

    /// <summary>Only this username's images.</summary>
    public string? User { get; init; }

    internal virtual void AddTo(QueryString query) => query
        .Add("start_time", StartTime).Add("end_time", EndTime).Add("project", Project)
        .Add("hidden", Hidden).Add("me", Me).Add("user", User);
}

/// <summary>An image or sequence search in a box (groups F and B); without a box, the whole world.</summary>
public record ImageQuery : SearchFilter
{
    /// <summary>The search area; null searches everywhere.</summary>
    public BoundingBox? Box { get; init; }

    internal override void AddTo(QueryString query)
    {
        base.AddTo(query);
        if (Box is { } box)
            query.Add("min_lat", box.MinLat).Add("max_lat", box.MaxLat).Add("min_lon", box.MinLon).Add("max_lon", box.MaxLon);
    }
}

/// <summary>A search for images near a point (groups F and C), nearest first.</summary>
public sealed record CloseQuery : SearchFilter
{
    /// <summary>Latitude of the centre, degrees.</summary>
    public required double Lat { get; init; }

    /// <summary>Longitude of the centre, degrees.</summary>
    public required double Lon { get; init; }

    /// <summary>Radius in metres; the server's default (100) when null.</summary>
    public double? Distance { get; init; }

    /// <summary>Lowest camera angle, degrees (with <see cref="MaxCa"/>; a minimum above the maximum wraps through north).</summary>
    public double? MinCa { get; init; }

    /// <summary>Highest camera angle, degrees (with <see cref="MinCa"/>).</summary>
    public double? MaxCa { get; init; }

    internal override void AddTo(QueryString query)
    {
        base.AddTo(query);
        query.Add("lat", Lat).Add("lon", Lon).Add("distance", Distance).Add("min_ca", MinCa).Add("max_ca", MaxCa);
    }
}

/// <summary>A search for images with matching traffic-sign detections (groups F, B and O).</summary>
public sealed record DetectionQuery : ImageQuery
{
    /// <summary>The package to search, e.g. <c>trafficsign_us_3.0</c>; all packages when null.</summary>
    public string? OrPackage { get; init; }

    /// <summary>Class name prefixes: a category prefix matches every class in it, a full name only itself.</summary>
    public IReadOnlyList<string> OrClasses { get; init; } = [];

    /// <summary>Lowest score to return, compared numerically.</summary>
    public double? MinScore { get; init; }

    internal override void AddTo(QueryString query)
    {
        base.AddTo(query);
        query.Add("or_package", OrPackage);
        foreach (var prefix in OrClasses)
            query.Add("or_classes[]", prefix);
        query.Add("min_score", MinScore);
    }
}

/// <summary>What an upload says about its photo beyond the JPEG itself.</summary>
public sealed record UploadImageOptions
{
    /// <summary>Latitude, overriding or filling in the EXIF.</summary>
    public double? Lat { get; init; }

    /// <summary>Longitude, overriding or filling in the EXIF.</summary>
    public double? Lon { get; init; }

    /// <summary>Compass angle (0 up to 360), overriding or filling in the EXIF.</summary>
    public double? Ca { get; init; }

    /// <summary>Capture time, overriding or filling in the EXIF.</summary>
    public DateTimeOffset? CapturedAt { get; init; }

    /// <summary>Upload privately to this project (needs <c>private:upload</c> and membership).</summary>
    public string? Project { get; init; }

    /// <summary>Upload with a signed policy from <see cref="SightlineClient.GetUploadSecretsAsync"/> instead of the bearer token (public uploads only).</summary>
    public UploadSecrets? Policy { get; init; }

    internal QueryString ToQuery()
    {
        var query = new QueryString().Add("lat", Lat).Add("lon", Lon).Add("ca", Ca).Add("captured_at", CapturedAt).Add("project", Project);
        if (Policy is { } policy)
            query.Add("images_policy", policy.ImagesPolicy).Add("images_hash", policy.ImagesHash);
        return query;
    }
}

/// <summary>The filters of a navigation cell (<c>/v2/nav</c>): group F only, the cell being the area.</summary>
public sealed record NavigationFilter : SearchFilter;
