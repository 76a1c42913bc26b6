using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Sightline.Contract;

/// <summary>Writes the contract's error body; every failure answer of the API goes through here.</summary>
public static class ErrorResponse
{
    public const string JsonContentType = "application/json; charset=utf-8";

    // Headers that describe a body we are about to replace; rate-limit and CORS headers stay.
    private static readonly string[] ContentHeaders =
    [
        HeaderNames.ContentType, HeaderNames.ContentLength, HeaderNames.ETag, HeaderNames.LastModified,
        HeaderNames.ContentEncoding, HeaderNames.ContentDisposition, HeaderNames.Location,
    ];

    public static Task WriteAsync(HttpContext context, ApiException error) =>
        WriteAsync(context, error.Code, error.Message, error.LackedScope);

    public static Task WriteAsync(HttpContext context, ErrorCode code, string? message = null) =>
        WriteAsync(context, code, message, lackedScope: null);

    private static async Task WriteAsync(HttpContext context, ErrorCode code, string? message, string? lackedScope)
    {
        var entry = ErrorCatalogue.Of(code);
        var response = context.Response;
        foreach (var header in ContentHeaders)
            response.Headers.Remove(header);
        if (context.GetEndpoint()?.Metadata.GetMetadata<FailureForm>() is { } form)
        {
            await form.WriteAsync(context, code, message ?? entry.DefaultMessage);
            return;
        }
        if (code == ErrorCode.NotFound && context.RequestServices?.GetService<BrowserNotFoundPage>() is { } page && BrowserNotFoundPage.Applies(context))
        {
            await page.WriteAsync(context);
            return;
        }
        response.StatusCode = entry.Status;
        response.ContentType = JsonContentType;
        response.Headers.CacheControl = "no-store";
        if (entry.Status == StatusCodes.Status401Unauthorized)
            response.Headers.WWWAuthenticate = BearerChallenge(context, code, lackedScope);

        var body = Body(code, message);
        response.ContentLength = body.Length;
        if (HttpMethods.IsHead(context.Request.Method))
            return;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>
    /// The challenge every 401 of the API carries (RFC 7235 §3.1, RFC 6750 §3): a token that was sent and refused is
    /// <c>invalid_token</c>, one lacking the call's scope <c>insufficient_scope</c>; a request that sent none hears no error code.
    /// </summary>
    private static string BearerChallenge(HttpContext context, ErrorCode code, string? lackedScope)
    {
        const string challenge = "Bearer realm=\"sightline\"";
        if (lackedScope is not null)
            return challenge + ", error=\"insufficient_scope\"" + (lackedScope.Length > 0 ? $", scope=\"{lackedScope}\"" : "");
        if (context.Request.Headers.Authorization.Count > 0 && code is ErrorCode.UserNotAuthenticated or ErrorCode.ClientIdDiffer)
            return challenge + ", error=\"invalid_token\"";
        return challenge;
    }

    /// <summary>
    /// The UTF-8 JSON failure body for <paramref name="code"/>; also used where no
    /// <see cref="HttpContext"/> exists (Kestrel's own rejections, see Hosting/TransportRejections.cs).
    /// </summary>
    public static byte[] Body(ErrorCode code, string? message = null)
    {
        var entry = ErrorCatalogue.Of(code);
        return JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(entry.Code, message ?? entry.DefaultMessage), ContractJson.Options);
    }

    private sealed record ErrorBody(string Code, string Message);
}
