using System.Text.Json;
using Sightline.Client.Http;
using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>One page of images in a box, newest capture first (<c>GET /v2/search/im</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null, its maximum when above it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    [SightlineRoute("GET", "/v2/search/im")]
    public Task<SightlinePage<ImageSummary>> SearchImagesAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        ImsPageAsync<ImageSummary>("v2/search/im", query, page, limit, cancellationToken);

    /// <summary>Every image in a box, page after page (<c>GET /v2/search/im</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="pageSize">Images per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The images, newest capture first.</returns>
    public IAsyncEnumerable<ImageSummary> EnumerateImagesAsync(ImageQuery? query = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => SearchImagesAsync(query, page, pageSize, token), cancellationToken);

    /// <summary>One page of images near a point, nearest first, each with its <see cref="ImageSummary.Distance"/> (<c>GET /v2/search/im/close</c>).</summary>
    /// <param name="query">The point, radius, angles and filters.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    [SightlineRoute("GET", "/v2/search/im/close")]
    [SightlineRoute("GET", "/v2/search/im/close2", AliasOf = "/v2/search/im/close")]
    public Task<SightlinePage<ImageSummary>> SearchImagesCloseAsync(CloseQuery query, int page = 0, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ImsPageAsync<ImageSummary>("v2/search/im/close", query, page, limit, cancellationToken);
    }

    /// <summary>Every image near a point, page after page (<c>GET /v2/search/im/close</c>).</summary>
    /// <param name="query">The point, radius, angles and filters.</param>
    /// <param name="pageSize">Images per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The images, nearest first.</returns>
    public IAsyncEnumerable<ImageSummary> EnumerateImagesCloseAsync(CloseQuery query, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => SearchImagesCloseAsync(query, page, pageSize, token), cancellationToken);

    /// <summary>One page of images in a box as GeoJSON Points with <c>ca</c> and <c>key</c>, and a top-level <c>more</c> (<c>GET /v2/search/im/geojson</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The FeatureCollection; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/search/im/geojson")]
    public Task<JsonDocument> SearchImagesGeoJsonAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        GetDocumentAsync("v2/search/im/geojson", Paged(query, page, limit), cancellationToken);

    /// <summary>One page of images near a point as GeoJSON Points, nearest first (<c>GET /v2/search/im/geojson/close</c>).</summary>
    /// <param name="query">The point, radius, angles and filters.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The FeatureCollection; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/search/im/geojson/close")]
    public Task<JsonDocument> SearchImagesCloseGeoJsonAsync(CloseQuery query, int page = 0, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return GetDocumentAsync("v2/search/im/geojson/close", Paged(query, page, limit), cancellationToken);
    }

    /// <summary>One public image chosen at random (<c>GET /v2/search/im/randomselected</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The image; not found when the server holds none.</returns>
    [SightlineRoute("GET", "/v2/search/im/randomselected")]
    public Task<ImageSummary> GetRandomSelectedImageAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<ImageSummary>("v2/search/im/randomselected", null, cancellationToken);

    /// <summary>
    /// The public images inside a what3words square, newest first (<c>GET /v2/search/im/w3w</c>). Servers resolve addresses
    /// only when configured with a what3words API key; otherwise, and for an unknown address, the call fails with not_found.
    /// </summary>
    /// <param name="address">Three words joined by dots, e.g. <c>index.home.raft</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The images' keys and positions.</returns>
    [SightlineRoute("GET", "/v2/search/im/w3w")]
    public async Task<IReadOnlyList<ImageLocation>> SearchImagesWhat3WordsAsync(string address, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var list = await GetJsonAsync<ImageLocationsEnvelope>("v2/search/im/w3w", new QueryString().Add("string", address), cancellationToken)
            .ConfigureAwait(false);
        return list.Ims ?? [];
    }

    /// <summary>One image chosen at random among those matching the box filters, as GeoJSON (<c>GET /v2/search/im/geojson/randomimage</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A FeatureCollection with one feature, or none when nothing matches; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/search/im/geojson/randomimage")]
    public Task<JsonDocument> GetRandomImageGeoJsonAsync(ImageQuery? query = null, CancellationToken cancellationToken = default) =>
        GetDocumentAsync("v2/search/im/geojson/randomimage", Filtered(query), cancellationToken);

    /// <summary>The image of a sequence closest to a point, or its first image without one (<c>GET /v2/search/im/s/{key}</c>).</summary>
    /// <param name="sequenceKey">The sequence key.</param>
    /// <param name="lat">Latitude of the point (with <paramref name="lon"/>).</param>
    /// <param name="lon">Longitude of the point (with <paramref name="lat"/>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The image summary.</returns>
    [SightlineRoute("GET", "/v2/search/im/s/{key}")]
    public Task<ImageSummary> GetImageOfSequenceAsync(string sequenceKey, double? lat = null, double? lon = null, CancellationToken cancellationToken = default)
    {
        if ((lat is null) != (lon is null))
            throw new ArgumentException("Give both lat and lon, or neither.", lat is null ? nameof(lat) : nameof(lon));
        return GetJsonAsync<ImageSummary>("v2/search/im/s/" + Segment(sequenceKey, nameof(sequenceKey)),
            new QueryString().Add("lat", lat).Add("lon", lon), cancellationToken);
    }

    /// <summary>One page of sequences with an image matching the box filters, newest first (<c>GET /v2/search/s</c>).</summary>
    /// <param name="query">Box and filters; null for every public sequence.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    [SightlineRoute("GET", "/v2/search/s")]
    public Task<SightlinePage<Sequence>> SearchSequencesAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        SsPageAsync<Sequence>("v2/search/s", query, page, limit, cancellationToken);

    /// <summary>Every sequence matching the box filters, page after page (<c>GET /v2/search/s</c>).</summary>
    /// <param name="query">Box and filters; null for every public sequence.</param>
    /// <param name="pageSize">Sequences per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The sequences, newest first.</returns>
    public IAsyncEnumerable<Sequence> EnumerateSequencesAsync(ImageQuery? query = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => SearchSequencesAsync(query, page, pageSize, token), cancellationToken);

    /// <summary>One page of the sequence search as GeoJSON LineStrings, with a top-level <c>more</c> (<c>GET /v2/search/s/geojson</c>).</summary>
    /// <param name="query">Box and filters; null for every public sequence.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The FeatureCollection; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/search/s/geojson")]
    public Task<JsonDocument> SearchSequencesGeoJsonAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        GetDocumentAsync("v2/search/s/geojson", Paged(query, page, limit), cancellationToken);

    /// <summary>One page of the sequence search in the compact list form (<c>GET /v2/search/s/ul</c>).</summary>
    /// <param name="query">Box and filters; null for every public sequence.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    [SightlineRoute("GET", "/v2/search/s/ul")]
    public Task<SightlinePage<CompactSequence>> SearchCompactSequencesAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        SsPageAsync<CompactSequence>("v2/search/s/ul", query, page, limit, cancellationToken);

    /// <summary>Every sequence of the search in the compact form, page after page (<c>GET /v2/search/s/ul</c>).</summary>
    /// <param name="query">Box and filters; null for every public sequence.</param>
    /// <param name="pageSize">Sequences per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The sequences, newest first.</returns>
    public IAsyncEnumerable<CompactSequence> EnumerateCompactSequencesAsync(ImageQuery? query = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => SearchCompactSequencesAsync(query, page, pageSize, token), cancellationToken);

    internal static QueryString Filtered(SearchFilter? query)
    {
        var parameters = new QueryString();
        query?.AddTo(parameters);
        return parameters;
    }

    internal static QueryString Paged(SearchFilter? query, int page, int? limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        return Filtered(query).Add("limit", limit).Add("page", page == 0 ? null : page);
    }

    internal async Task<SightlinePage<T>> ImsPageAsync<T>(string path, SearchFilter? query, int page, int? limit, CancellationToken cancellationToken)
    {
        var envelope = await GetJsonAsync<ImsEnvelope<T>>(path, Paged(query, page, limit), cancellationToken).ConfigureAwait(false);
        return new SightlinePage<T> { Items = envelope.Ims ?? [], More = envelope.More, Page = page };
    }

    private async Task<SightlinePage<T>> SsPageAsync<T>(string path, SearchFilter? query, int page, int? limit, CancellationToken cancellationToken)
    {
        var envelope = await GetJsonAsync<SequenceEnvelope<T>>(path, Paged(query, page, limit), cancellationToken).ConfigureAwait(false);
        return new SightlinePage<T> { Items = envelope.Ss ?? [], More = envelope.More, Page = page };
    }
}
