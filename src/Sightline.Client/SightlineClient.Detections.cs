using Sightline.Client.Models;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>An image's traffic-sign detections, the packages that ran on it and user versions (<c>GET /v2/im/{key}/or</c>).</summary>
    /// <param name="key">The image key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The detections.</returns>
    [SightlineRoute("GET", "/v2/im/{key}/or")]
    public Task<ImageDetections> GetImageDetectionsAsync(string key, CancellationToken cancellationToken = default) =>
        GetJsonAsync<ImageDetections>("v2/im/" + Segment(key, nameof(key)) + "/or", null, cancellationToken);

    /// <summary>
    /// Submits one detector package's results for an image, replacing that package's earlier ones; an empty list records
    /// that it ran and found nothing (<c>PUT /v2/im/{key}/or/{package}</c>, <c>mapillary:admin</c>).
    /// </summary>
    /// <param name="key">The image key.</param>
    /// <param name="package">The package, e.g. <c>trafficsign_eu_6.0</c>.</param>
    /// <param name="detections">The package's detections on the image.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("PUT", "/v2/im/{key}/or/{package}")]
    public Task<WriteAcknowledgement> SubmitDetectionsAsync(string key, string package, IEnumerable<DetectionSubmission> detections, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(detections);
        return WriteAsync(HttpMethod.Put, "v2/im/" + Segment(key, nameof(key)) + "/or/" + Segment(package, nameof(package)),
            new DetectionSubmissionBody(detections.ToList()), repeatable: true, cancellationToken);
    }

    /// <summary>A random public image that has detections (<c>GET /v2/search/im/or/random</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The image key and its detections; not found when no image has any.</returns>
    [SightlineRoute("GET", "/v2/search/im/or/random")]
    public Task<RandomDetections> GetRandomImageWithDetectionsAsync(CancellationToken cancellationToken = default) =>
        GetJsonAsync<RandomDetections>("v2/search/im/or/random", null, cancellationToken);
}
