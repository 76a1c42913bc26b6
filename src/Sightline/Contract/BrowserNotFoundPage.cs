using Microsoft.Net.Http.Headers;

namespace Sightline.Contract;

/// <summary>
/// The page a browser gets for an unknown path outside <c>/v2</c> and <c>/api</c> (CONTRACT.md §1): registered by the web
/// app; <see cref="ErrorResponse"/> uses it for <c>not_found</c> on unrouted requests whose Accept prefers HTML.
/// </summary>
public sealed record BrowserNotFoundPage(Func<HttpContext, Task> WriteAsync)
{
    /// <summary>An unrouted request outside the API families, from a client that prefers HTML to JSON.</summary>
    public static bool Applies(HttpContext context)
    {
        var path = context.Request.Path;
        if (context.GetEndpoint() is not null || path.StartsWithSegments("/v2") || path.StartsWithSegments("/api"))
            return false;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            return false;
        return PrefersHtml(context.Request.Headers.Accept);
    }

    /// <summary>text/html is named and weighs at least as much as JSON and any wildcard (a browser's Accept, not curl's */*).</summary>
    public static bool PrefersHtml(Microsoft.Extensions.Primitives.StringValues accept)
    {
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types))
            return false;
        double html = 0, other = 0;
        foreach (var type in types)
        {
            var quality = type.Quality ?? 1;
            var name = type.MediaType.Value ?? "";
            if (name is "text/html" or "application/xhtml+xml")
                html = Math.Max(html, quality);
            else if (name is "application/json" or "*/*" or "application/*")
                other = Math.Max(other, quality);
        }
        return html > 0 && html >= other;
    }
}
