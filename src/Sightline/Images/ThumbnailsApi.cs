using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Storage;

namespace Sightline.Images;

/// <summary><c>GET /{key}/thumb-{size}.jpg</c>: the public image files, served like a CDN (no client_id).</summary>
public static class ThumbnailsApi
{
    public const int PublicMaxAgeSeconds = 86_400;

    public static IEndpointConventionBuilder MapThumbnails(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{key}/thumb-{size}.jpg", GetThumbnail)
            .AllowWithoutClient()
            .WithTags("Image files")
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg")
            .WithName("GetThumbnail")
            .WithSummary("An image file")
            .WithDescription("The image scaled to 320, 640, 1024 or 2048 pixels wide (never upscaled), upright, without metadata.");

    public static async Task<Results<FileStreamHttpResult, RedirectHttpResult>> GetThumbnail(
        string key, string size, Caller caller, HttpResponse response, IImageStore images, IBlobStore blobs, CancellationToken cancellation)
    {
        // A private image's files are not_found to every token that cannot open them, a member's without private:read
        // included (spec §5 item 6): unlike the JSON API, a file URL has no message to carry the missing scope.
        var image = await images.FindVisibleAsync(ImagesApi.CheckedKey(key), Viewer.Of(caller))
            ?? throw ApiException.NotFound($"Image '{key}'");
        if (!int.TryParse(size, out var width) || !ImageFiles.ThumbnailWidths.Contains(width) || size != width.ToString())
            throw ApiException.NotFound($"Image file 'thumb-{size}.jpg'");
        var objectKey = ImageFiles.ThumbnailKey(image.Key, width, image.DerivativeVersion);
        // Public files may come straight from the object store (Storage:S3:RedirectThumbnails); private ones never leave
        // through a URL that works without the viewer's token.
        if (image.ProjectId is null && blobs.DirectReadUrl(objectKey) is { } direct)
            return TypedResults.Redirect(direct);
        var file = await blobs.OpenReadAsync(objectKey, cancellation)
            ?? throw ApiException.NotFound($"Image file 'thumb-{size}.jpg'");

        // The key, size and derivative version name the bytes (a new version follows applied blurs). No 304 here:
        // the contract allows no such status, so neither the ETag nor a Last-Modified is handed to the
        // framework's conditional-request logic (a 304 would leave as a bare 302), and a match still gets the file.
        response.Headers.ETag = image.DerivativeVersion == 0 ? $"\"{image.Key}-{width}\"" : $"\"{image.Key}-{width}-v{image.DerivativeVersion}\"";
        // Not "immutable": the bytes behind this URL change when blurs are applied, and the image disappears when a
        // complaint is upheld; caches must come back within a day to learn either.
        response.Headers.CacheControl = image.ProjectId is null ? $"public, max-age={PublicMaxAgeSeconds}" : "private, no-store";
        response.ContentLength = file.Length;
        return TypedResults.File(file.Content, "image/jpeg");
    }
}
