namespace Sightline.Search;

/// <summary>Caps and defaults of the search endpoints (configuration section <c>Search</c>).</summary>
public sealed class SearchOptions
{
    public int DefaultLimit { get; set; } = 20;
    public int MaxLimit { get; set; } = 1000;
    /// <summary>The deepest result a page may start at (page * limit), so no request sorts a whole continent.</summary>
    public int MaxOffset { get; set; } = 10_000;
    /// <summary>The radius of a close search without <c>distance</c>: street scale.</summary>
    public double DefaultRadiusMeters { get; set; } = 100;
    public double MaxRadiusMeters { get; set; } = 5000;
    /// <summary>
    /// The tallest box a search may ask for in degrees of latitude, and the widest in degrees of longitude as measured at
    /// the equator. Unlimited by default (360): the spec sets no bound, and a search without a box covers the world anyway.
    /// </summary>
    public double MaxBoxDegrees { get; set; } = 360;
    /// <summary>Changed images kept beside the packed index before it is rebuilt with them.</summary>
    public int OverlayLimit { get; set; } = 65_536;
    /// <summary>How often a running server saves the index snapshot and trims the change log (0: only at a clean stop).</summary>
    public double SnapshotMinutes { get; set; } = 15;
    /// <summary>
    /// Change log entries kept behind a saved snapshot when the log is trimmed: other nodes on the same database (or a
    /// second server on the same data folder) apply the log when they next search, and one that is further behind than
    /// this reads the whole table again.
    /// </summary>
    public int RetainedChanges { get; set; } = 100_000;
}
