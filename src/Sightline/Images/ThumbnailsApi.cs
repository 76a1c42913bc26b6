using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;

namespace Sightline.Images;

/// <summary><c>GET /{key}/thumb-{size}.jpg</c>: the public image files, served like a CDN (no client_id).</summary>
public static class ThumbnailsApi
{
    public static IEndpointConventionBuilder MapThumbnails(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/{key}/thumb-{size}.jpg", GetThumbnail)
            .AllowWithoutClient()
            .WithTags("Image files")
            .WithName("GetThumbnail")
            .WithSummary("An image file")
            .WithDescription("The image scaled to 320, 640, 1024 or 2048 pixels wide (never upscaled), upright, without metadata.");

    public static async Task<FileStreamHttpResult> GetThumbnail(
        string key, string size, Caller caller, HttpResponse response, ImageStore images, ImageFiles files)
    {
        var image = await ImagesApi.FindAsync(key, Viewer.Of(caller), images);
        if (!int.TryParse(size, out var width) || !ImageFiles.ThumbnailWidths.Contains(width) || size != width.ToString())
            throw ApiException.NotFound($"Image file 'thumb-{size}.jpg'");
        FileStream file;
        try
        {
            file = File.OpenRead(files.ThumbnailPath(image.Key, width));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw ApiException.NotFound($"Image file 'thumb-{size}.jpg'");
        }

        // Derivatives never change once an image is done, so the key and size name the bytes. No 304 here:
        // the contract allows no such status, so neither the ETag nor a Last-Modified is handed to the
        // framework's conditional-request logic (a 304 would leave as a bare 302), and a match still gets the file.
        response.Headers.ETag = $"\"{image.Key}-{width}\"";
        response.Headers.CacheControl = image.ProjectId is null ? "public, max-age=31536000, immutable" : "private, no-store";
        return TypedResults.File(file, "image/jpeg");
    }
}
