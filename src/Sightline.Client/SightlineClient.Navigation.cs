using Sightline.Client.Http;
using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>
    /// The geohash cell (7 characters) around an image, with the images in it and their sequences
    /// (<c>GET /v2/nav/im/{key}</c>, the call mapillary-js 1.x makes when it opens a photo).
    /// </summary>
    /// <param name="key">The image key.</param>
    /// <param name="filter">Filters of the images in the cell; null for public images.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cell.</returns>
    [SightlineRoute("GET", "/v2/nav/im/{key}")]
    public Task<NavigationCell> GetNavigationCellOfImageAsync(string key, NavigationFilter? filter = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync<NavigationCell>("v2/nav/im/" + Segment(key, nameof(key)), Query(filter), cancellationToken);

    /// <summary>The images of a geohash cell and their sequences (<c>GET /v2/nav/h/{geohash}</c>).</summary>
    /// <param name="geohash">A geohash of 7 characters.</param>
    /// <param name="filter">Filters of the images in the cell; null for public images.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The cell; without images when none is in it.</returns>
    [SightlineRoute("GET", "/v2/nav/h/{geohash}")]
    public Task<NavigationCell> GetNavigationCellAsync(string geohash, NavigationFilter? filter = null, CancellationToken cancellationToken = default) =>
        GetJsonAsync<NavigationCell>("v2/nav/h/" + Segment(geohash, nameof(geohash)), Query(filter), cancellationToken);

    private static QueryString? Query(NavigationFilter? filter)
    {
        if (filter is null)
            return null;
        var query = new QueryString();
        filter.AddTo(query);
        return query;
    }
}
