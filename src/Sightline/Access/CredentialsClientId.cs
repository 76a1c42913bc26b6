using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sightline.Contract;
using Sightline.OAuth;

namespace Sightline.Access;

/// <summary>
/// The client_id an OAuth token or revocation request names in its credentials (HTTP Basic, or a form field) rather than in
/// the query, so that the request draws on its application's budget and carries its RateLimit fields (CONTRACT.md §5), as
/// every other call with a valid client_id does. Standard client libraries never put client_id in the query.
/// </summary>
public static class CredentialsClientId
{
    /// <summary>A token or revocation form is a few hundred bytes; a larger body is not read before the budget is spent.</summary>
    private const int MaxPeekBytes = 16 * 1024;

    /// <summary>The client_id of HTTP Basic credentials, else of a small form body read without consuming it; null when none.</summary>
    public static async ValueTask<string?> FindAsync(HttpRequest request)
    {
        if (request.Headers.Authorization.FirstOrDefault() is { } header)
            return ClientAuthentication.BasicClientId(header);
        var limit = Math.Min(MaxPeekBytes, request.HttpContext.RequestServices.GetRequiredService<IOptions<RequestLimits>>().Value.MaxBodyBytes);
        if (request.ContentLength is not { } length || length <= 0 || length > limit
            || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return null;
        // Buffered, so the endpoint reads the same body afterwards; a form that cannot be read here is judged there, as before.
        request.EnableBuffering();
        try
        {
            var fields = await new FormReader(request.Body).ReadFormAsync(request.HttpContext.RequestAborted);
            return fields.TryGetValue("client_id", out var values) && values.Count == 1 ? values[0] : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
