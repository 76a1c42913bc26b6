namespace Sightline.Search.Index;

/// <summary>Which images a search wants, in domain terms; the API turns query parameters into one.</summary>
public sealed record ImageFilter
{
    /// <summary>Boxes the image must lie in (any of them); null for anywhere.</summary>
    public IReadOnlyList<GeoBox>? Areas { get; init; }
    public long? CapturedFrom { get; init; }
    public long? CapturedTo { get; init; }
    /// <summary>Compass range in degrees; a minimum above the maximum wraps through north.</summary>
    public (double Min, double Max)? Angles { get; init; }
    /// <summary>Only this user's images; <see cref="Nobody"/> when the named user does not exist.</summary>
    public int? UserId { get; init; }
    /// <summary>Only this project's images; 0 (the default) for public images only.</summary>
    public int ProjectId { get; init; }
    /// <summary>With public images, this user's hidden ones too (<c>hidden=true</c>); null for none.</summary>
    public int? HiddenOwnerId { get; init; }

    public const int Nobody = -1;

    /// <summary>Everything but the areas, which the index checks itself.</summary>
    public bool Matches(in IndexedImage image)
    {
        if (image.ProjectId != ProjectId && !(ProjectId == 0 && image.ProjectId == IndexedImage.HiddenProject && image.UserId == HiddenOwnerId))
            return false;
        if (UserId is { } user && image.UserId != user)
            return false;
        if (CapturedFrom is { } from && image.CapturedAt < from)
            return false;
        if (CapturedTo is { } to && image.CapturedAt > to)
            return false;
        if (Angles is var (min, max))
        {
            // The angle as stored, which is what /v2/im shows: a range ending at a photo's own angle holds it.
            double ca = image.StoredCa;
            if (double.IsNaN(ca))
                return false;
            if (min <= max ? ca < min || ca > max : ca < min && ca > max)
                return false;
        }
        return true;
    }

    public bool InAreas(double lat, double lon)
    {
        if (Areas is null)
            return true;
        foreach (var area in Areas)
            if (area.Contains(lat, lon))
                return true;
        return false;
    }
}
