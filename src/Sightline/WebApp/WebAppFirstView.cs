using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace Sightline.WebApp;

/// <summary>
/// The view the app's Explore page (<c>/</c>) opens on, read from the address as the app reads it
/// (web/src/map/first-view.js): a permalink's <c>lat</c>, <c>lon</c> and <c>z</c>, else the app's default view over the
/// world. The index document names the coverage tiles at the centre of that view as preloads, so the browser asks for them
/// with the document rather than after the app's script has run; the app's first lines are drawn from them
/// (web/src/map/coverage-preview.js).
/// </summary>
public static class WebAppFirstView
{
    /// <summary>The app's view without a position in the address (DEFAULT_VIEW in web/src/map/first-view.js).</summary>
    public const double DefaultLat = 20, DefaultLon = 0, DefaultZoom = 1.6;

    /// <summary>A permalink without <c>z</c> opens at street zoom (as the app does).</summary>
    public const double PermalinkZoom = 16;

    /// <summary>The coverage source's highest zoom (TILE_MAX_ZOOM in web/src/map/coverage.js), and a vector tile's size in CSS pixels.</summary>
    private const int TileMaxZoom = 14, TileSize = 512;

    /// <summary>
    /// Around the view's centre, the box (CSS pixels) whose tiles are preloaded: one that any screen's map covers (a
    /// phone's), so no preloaded tile goes unused; the app asks for the rest of the view's tiles itself.
    /// </summary>
    private const double HalfWidth = 180, HalfHeight = 280;

    /// <summary>
    /// The <c>link rel=preload</c> elements for the view of Explore's address (<paramref name="query"/>): none when the
    /// address opens a photo (the app then draws no preview).
    /// </summary>
    public static string PreloadLinks(QueryString query)
    {
        var parameters = QueryHelpers.ParseQuery(query.Value);
        if (parameters.ContainsKey("pKey"))
            return "";
        var (lat, lon, zoom) = ViewOf(parameters);
        // As the app's fetch asks for them (mode cors, credentials same-origin), so that the fetch takes the preloaded
        // answer rather than asking again.
        return string.Join("\n  ", CentreTiles(lat, lon, zoom).Distinct().Select(tile => string.Create(CultureInfo.InvariantCulture,
            $"<link rel=\"preload\" as=\"fetch\" crossorigin href=\"/tiles/{tile.Z}/{tile.X}/{tile.Y}.mapbox\" fetchpriority=\"high\">")));
    }

    /// <summary>The view (lat, lon, zoom) of an address, as web/src/map/first-view.js reads it.</summary>
    public static (double Lat, double Lon, double Zoom) ViewOf(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> parameters)
    {
        if (Number(parameters, "lat") is { } lat && Number(parameters, "lon") is { } lon && Math.Abs(lat) <= 90 && Math.Abs(lon) <= 180)
            return (lat, lon, Number(parameters, "z") ?? PermalinkZoom);
        return (DefaultLat, DefaultLon, DefaultZoom);
    }

    /// <summary>The coverage tiles (z, x, y) under the box around the view's centre, at the zoom the map covers that view with.</summary>
    public static IEnumerable<(int Z, int X, int Y)> CentreTiles(double lat, double lon, double zoom)
    {
        // MapLibre's limits: zoom 0-22, latitude within Web Mercator's square.
        zoom = Math.Clamp(zoom, 0, 22);
        lat = Math.Clamp(lat, -85.051129, 85.051129);
        var tileZoom = Math.Min(TileMaxZoom, (int)Math.Floor(zoom));
        var tiles = 1 << tileZoom;
        var tileSpan = TileSize * Math.Pow(2, zoom - tileZoom);
        var world = tiles * tileSpan;
        var centreX = (180 + lon) / 360 * world;
        var centreY = (180 - 180 / Math.PI * Math.Log(Math.Tan(Math.PI / 4 + lat * Math.PI / 360))) / 360 * world;
        for (var y = Math.Max(0, (int)Math.Floor((centreY - HalfHeight) / tileSpan)); y <= Math.Min(tiles - 1, (int)Math.Floor((centreY + HalfHeight) / tileSpan)); y++)
        {
            for (var x = (int)Math.Floor((centreX - HalfWidth) / tileSpan); x <= (int)Math.Floor((centreX + HalfWidth) / tileSpan); x++)
                yield return (tileZoom, ((x % tiles) + tiles) % tiles, y);
        }
    }

    /// <summary>A finite number, as JavaScript's <c>Number()</c> reads a parameter the app accepts; null when absent or not one.</summary>
    private static double? Number(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> parameters, string name) =>
        parameters.TryGetValue(name, out var values) && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value : null;
}
