using System.Text.Json;
using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>One image's summary (<c>GET /v2/im/{key}</c>); not found until processing is done.</summary>
    /// <param name="key">The image key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The image summary with its sequence key.</returns>
    /// <remarks>A private image needs a token with <c>private:read</c> of a member; to anyone else it is not found.</remarks>
    [SightlineRoute("GET", "/v2/im/{key}")]
    public Task<ImageSummary> GetImageAsync(string key, CancellationToken cancellationToken = default) =>
        GetJsonAsync<ImageSummary>("v2/im/" + Segment(key, nameof(key)), null, cancellationToken);

    /// <summary>One image as a GeoJSON FeatureCollection holding one Point (<c>GET /v2/im/{key}/geojson</c>).</summary>
    /// <param name="key">The image key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/im/{key}/geojson")]
    public Task<JsonDocument> GetImageGeoJsonAsync(string key, CancellationToken cancellationToken = default) =>
        GetDocumentAsync("v2/im/" + Segment(key, nameof(key)) + "/geojson", null, cancellationToken);

    /// <summary>An image file (<c>GET /{key}/thumb-{size}.jpg</c>), read as a stream straight from the connection.</summary>
    /// <param name="key">The image key.</param>
    /// <param name="size">The width.</param>
    /// <param name="cancellationToken">Cancels the call (and the first read).</param>
    /// <returns>The JPEG; dispose it to release the connection.</returns>
    /// <remarks>Public images need no token; a private image's files need one with <c>private:read</c> of a member.</remarks>
    public Task<Stream> GetThumbnailAsync(string key, ThumbnailSize size = ThumbnailSize.Width640, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(size))
            throw new ArgumentOutOfRangeException(nameof(size), size, "Use one of the ThumbnailSize widths.");
        return GetStreamAsync(BuildUri($"{Segment(key, nameof(key))}/thumb-{(int)size}.jpg", null), "image/jpeg", cancellationToken);
    }

    /// <summary>One sequence (<c>GET /v2/s/{key}</c>): its image keys, positions and angles in capture order.</summary>
    /// <param name="key">The sequence key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The sequence.</returns>
    [SightlineRoute("GET", "/v2/s/{key}")]
    public Task<Sequence> GetSequenceAsync(string key, CancellationToken cancellationToken = default) =>
        GetJsonAsync<Sequence>("v2/s/" + Segment(key, nameof(key)), null, cancellationToken);

    /// <summary>One sequence as a GeoJSON FeatureCollection holding one LineString with its <c>bbox</c> (<c>GET /v2/s/{key}/geojson</c>).</summary>
    /// <param name="key">The sequence key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/s/{key}/geojson")]
    public Task<JsonDocument> GetSequenceGeoJsonAsync(string key, CancellationToken cancellationToken = default) =>
        GetDocumentAsync("v2/s/" + Segment(key, nameof(key)) + "/geojson", null, cancellationToken);

    /// <summary>A vector tile (<c>GET /tiles/{z}/{x}/{y}.mapbox</c>): the sequences in layer <c>mapillary-sequences</c>, as protocol buffers.</summary>
    /// <param name="z">Zoom level.</param>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The tile's bytes as a stream; dispose it to release the connection.</returns>
    public Task<Stream> GetTileAsync(int z, int x, int y, CancellationToken cancellationToken = default) =>
        GetStreamAsync(BuildUri($"tiles/{z}/{x}/{y}.mapbox", null), "application/vnd.mapbox-vector-tile", cancellationToken);
}
