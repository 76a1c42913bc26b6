using System.Text.Json;
using Sightline.Client.Http;
using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>One page of images in a box that have blurs, each with its blurs in effect (<c>GET /v2/search/im/b</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page, newest capture first.</returns>
    [SightlineRoute("GET", "/v2/search/im/b")]
    public Task<SightlinePage<BlurredImage>> SearchBlurredImagesAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        ImsPageAsync<BlurredImage>("v2/search/im/b", query, page, limit, cancellationToken);

    /// <summary>Every image in a box that has blurs, page after page (<c>GET /v2/search/im/b</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="pageSize">Images per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The images, newest capture first.</returns>
    public IAsyncEnumerable<BlurredImage> EnumerateBlurredImagesAsync(ImageQuery? query = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => SearchBlurredImagesAsync(query, page, pageSize, token), cancellationToken);

    /// <summary>One page of commented images in a box, each with its comments (<c>GET /v2/search/im/cm</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page, newest capture first.</returns>
    [SightlineRoute("GET", "/v2/search/im/cm")]
    public Task<SightlinePage<CommentedImage>> SearchCommentedImagesAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        ImsPageAsync<CommentedImage>("v2/search/im/cm", query, page, limit, cancellationToken);

    /// <summary>Every commented image in a box, page after page (<c>GET /v2/search/im/cm</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="pageSize">Images per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The images, newest capture first.</returns>
    public IAsyncEnumerable<CommentedImage> EnumerateCommentedImagesAsync(ImageQuery? query = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => SearchCommentedImagesAsync(query, page, pageSize, token), cancellationToken);

    /// <summary>One page of images in a box with detections matching the query, each with those detections (<c>GET /v2/search/im/or</c>).</summary>
    /// <param name="query">Box, filters, package, class prefixes and lowest score; null for any detection.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page, newest capture first.</returns>
    [SightlineRoute("GET", "/v2/search/im/or")]
    public Task<SightlinePage<DetectedImage>> SearchDetectedImagesAsync(DetectionQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        ImsPageAsync<DetectedImage>("v2/search/im/or", query, page, limit, cancellationToken);

    /// <summary>Every image with matching detections, page after page (<c>GET /v2/search/im/or</c>).</summary>
    /// <param name="query">Box, filters, package, class prefixes and lowest score; null for any detection.</param>
    /// <param name="pageSize">Images per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The images, newest capture first.</returns>
    public IAsyncEnumerable<DetectedImage> EnumerateDetectedImagesAsync(DetectionQuery? query = null, int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => SearchDetectedImagesAsync(query, page, pageSize, token), cancellationToken);

    /// <summary>As <see cref="SearchBlurredImagesAsync"/>, as GeoJSON Points with <c>blurs</c>, <c>ca</c> and <c>key</c> (<c>GET /v2/search/im/geojson/b</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The FeatureCollection with a top-level <c>more</c>; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/search/im/geojson/b")]
    public Task<JsonDocument> SearchBlurredImagesGeoJsonAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        GetDocumentAsync("v2/search/im/geojson/b", Paged(query, page, limit), cancellationToken);

    /// <summary>As <see cref="SearchCommentedImagesAsync"/>, as GeoJSON Points with <c>comments</c>, <c>ca</c> and <c>key</c> (<c>GET /v2/search/im/geojson/cm</c>).</summary>
    /// <param name="query">Box and filters; null for every public image.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The FeatureCollection with a top-level <c>more</c>; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/search/im/geojson/cm")]
    public Task<JsonDocument> SearchCommentedImagesGeoJsonAsync(ImageQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        GetDocumentAsync("v2/search/im/geojson/cm", Paged(query, page, limit), cancellationToken);

    /// <summary>As <see cref="SearchDetectedImagesAsync"/>, as GeoJSON Points with <c>key</c>, <c>boundary</c> and <c>rects</c> (<c>GET /v2/search/im/geojson/or</c>).</summary>
    /// <param name="query">Box, filters, package, class prefixes and lowest score; null for any detection.</param>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The FeatureCollection with a top-level <c>more</c>; the caller disposes it.</returns>
    [SightlineRoute("GET", "/v2/search/im/geojson/or")]
    public Task<JsonDocument> SearchDetectedImagesGeoJsonAsync(DetectionQuery? query = null, int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        GetDocumentAsync("v2/search/im/geojson/or", Paged(query, page, limit), cancellationToken);

    /// <summary>One page of images whose blur requests await review, oldest request first (<c>GET /v2/search/b</c>).</summary>
    /// <param name="page">The page, from 0.</param>
    /// <param name="limit">Page size; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <remarks>Private images are included only for a token with <c>private:read</c> of a member (or <c>mapillary:admin</c>).</remarks>
    [SightlineRoute("GET", "/v2/search/b")]
    public Task<SightlinePage<ImageSummary>> SearchPendingBlursAsync(int page = 0, int? limit = null, CancellationToken cancellationToken = default) =>
        ImsPageAsync<ImageSummary>("v2/search/b", null, page, limit, cancellationToken);

    /// <summary>Every image whose blur request awaits review, page after page (<c>GET /v2/search/b</c>).</summary>
    /// <param name="pageSize">Images per request; the server's default when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The images, oldest request first.</returns>
    public IAsyncEnumerable<ImageSummary> EnumeratePendingBlursAsync(int? pageSize = null, CancellationToken cancellationToken = default) =>
        EnumerateAsync((page, token) => SearchPendingBlursAsync(page, pageSize, token), cancellationToken);
}
