namespace Sightline.WebApp;

/// <summary>Settings of the web app (section <c>Viewer</c>).</summary>
public sealed class WebAppOptions
{
    /// <summary>
    /// A MapLibre style URL (OpenMapTiles, OpenFreeMap, a self-hosted style) used as the basemap instead of the bundled
    /// offline one. Its origin, and each of <see cref="AllowedOrigins"/>, is added to the page's content security policy.
    /// </summary>
    public string? BasemapStyle { get; set; }

    /// <summary>Further origins the basemap loads from (tiles, glyphs, sprites on other hosts than the style), separated by spaces.</summary>
    public string? AllowedOrigins { get; set; }

    /// <summary>Serve the app from this folder (web/dist) instead of the copy built into the server: for working on the app.</summary>
    public string? Directory { get; set; }
}
