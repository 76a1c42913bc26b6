namespace Sightline.Stac;

/// <summary>What the STAC API at <c>/api</c> says about the server (configuration section <c>Stac</c>).</summary>
public sealed class StacOptions
{
    public string Title { get; set; } = "Sightline";
    public string Description { get; set; } = "Street-level imagery served by Sightline: sequences as STAC Collections, photos as STAC Items.";
    /// <summary>The SPDX id of the license the photos are published under; Mapillary's was CC-BY-SA-4.0.</summary>
    public string License { get; set; } = "CC-BY-SA-4.0";
    /// <summary>Where a person reads the license; null leaves the link out.</summary>
    public string? LicenseUrl { get; set; } = "https://creativecommons.org/licenses/by-sa/4.0/";
    public int DefaultLimit { get; set; } = 10;
    public int MaxLimit { get; set; } = 10_000;
    /// <summary>How far a paging token may reach into one search's order (as /v2's page times limit).</summary>
    public int MaxOffset { get; set; } = 100_000;
    /// <summary>Photos of other sequences within this distance are linked from an item as <c>related</c>.</summary>
    public double RelatedMeters { get; set; } = 15;
    /// <summary>Encoded <c>/api/map</c> tiles are kept in this much memory until the index changes; 0 keeps none.</summary>
    public int TileCacheMegabytes { get; set; } = 32;
}
