using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Sightline.Access;
using Sightline.Contract;
using Sightline.OAuth;

namespace Sightline.WebApp;

/// <summary>
/// Serves the web app: its pages (one index document for every route of the app, which the app's own router draws),
/// its bundle under <c>/assets/</c> (hashed names, cached for a year), and its "not found" page for browsers.
/// Like thumbnails and tiles, none of it needs a client_id; it draws on the address's budget.
/// </summary>
public static class WebAppPages
{
    /// <summary>The app's routes; the app draws each from the same index document.</summary>
    public static readonly string[] PageRoutes =
        ["/", "/photos/{key}", "/upload", "/me", "/moderate", "/users/{username}", "/signin/callback", "/places"];

    private const string ConfigPlaceholder = "__SIGHTLINE_CONFIG__";
    private const string PreloadsPlaceholder = "<!--sightline:first-view-preloads-->";
    private const string ImmutableCache = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapWebApp(this IEndpointRouteBuilder routes)
    {
        foreach (var route in PageRoutes)
        {
            routes.MapGet(route, GetPage).AllowWithoutClient().AnswersWithHtml()
                .WithName("WebAppPage" + route.Replace("/", "_")).ExcludeFromDescription();
        }
        routes.MapGet("/assets/{name}", GetAsset).AllowWithoutClient().WithName("WebAppAsset").ExcludeFromDescription();
        return routes;
    }

    public static IServiceCollection AddWebApp(this IServiceCollection services)
    {
        services.AddOptions<WebAppOptions>().BindConfiguration("Viewer");
        services.AddSingleton<WebAppAssets>();
        services.AddSingleton<WebAppClient>();
        services.AddHostedService(provider => provider.GetRequiredService<WebAppClient>());
        services.AddSingleton(new BrowserNotFoundPage(context => WriteIndexAsync(context, StatusCodes.Status404NotFound)));
        return services;
    }

    private static Task GetPage(HttpContext context) => WriteIndexAsync(context, StatusCodes.Status200OK);

    /// <summary>The index document with this server's settings for the app, and the headers every page of the app carries.</summary>
    public static async Task WriteIndexAsync(HttpContext context, int status)
    {
        var services = context.RequestServices;
        var assets = services.GetRequiredService<WebAppAssets>();
        if (!assets.IsBuilt)
        {
            // A build without the app (SkipWebApp, or no Node.js) is a configuration, not a failure: its pages do not exist
            // (an HTML page, as every page of the app answers; CONTRACT.md §1).
            await HtmlPage.ErrorAsync(context, StatusCodes.Status404NotFound, "Web app not built",
                "This server was built without its web app (Node.js was missing at build time). Install Node.js and build again.");
            return;
        }
        var options = services.GetRequiredService<IOptions<WebAppOptions>>().Value;
        var clientId = await services.GetRequiredService<WebAppClient>().ClientIdAsync(context.RequestAborted);
        var config = JsonSerializer.Serialize(new { clientId, basemapStyle = NullIfEmpty(options.BasemapStyle) });
        // Explore's first view: its centre tiles are fetched with the document (WebAppFirstView).
        var preloads = status == StatusCodes.Status200OK && context.Request.Path == "/" ? WebAppFirstView.PreloadLinks(context.Request.QueryString) : "";
        var html = assets.IndexTemplate.Replace(ConfigPlaceholder, HtmlEncoder.Default.Encode(config), StringComparison.Ordinal)
            .Replace(PreloadsPlaceholder, preloads, StringComparison.Ordinal);

        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy(options);
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "same-origin";
        var bytes = System.Text.Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>
    /// Nothing external unless a basemap style is configured. MapLibre runs its worker from a module file of ours and
    /// decodes images through blob: URLs; the photo viewer and MapLibre set element styles from script (not inline markup).
    /// </summary>
    public static string ContentSecurityPolicy(WebAppOptions options)
    {
        var extra = ExternalOrigins(options);
        return "default-src 'none'; script-src 'self'; style-src 'self'; " +
               $"img-src 'self' blob: data:{extra}; connect-src 'self'{extra}; font-src 'self'{extra}; " +
               "worker-src 'self' blob:; child-src 'self' blob:; manifest-src 'self'; " +
               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }

    private static string ExternalOrigins(WebAppOptions options)
    {
        var origins = new List<string>();
        if (Uri.TryCreate(options.BasemapStyle, UriKind.Absolute, out var style) && style.Scheme is "http" or "https")
            origins.Add(style.GetLeftPart(UriPartial.Authority));
        foreach (var origin in (options.AllowedOrigins ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }
        return string.Concat(origins.Distinct().Select(o => " " + o));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static async Task GetAsset(string name, HttpContext context, WebAppAssets assets)
    {
        if (assets.Find(name) is not { } asset)
            throw new ApiException(ErrorCode.NotFound, "No such file of the web app.");
        var request = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = ImmutableCache;
        response.Headers.ETag = asset.ETag;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.XContentTypeOptions = "nosniff";
        // No 304 on a matching If-None-Match (not among the contract's statuses, CONTRACT.md §1): the hashed name and a
        // year's max-age mean a browser asks again only when it evicted the file.
        var body = asset.Bytes;
        if (asset.Gzip is { } gzip && AcceptsGzip(request))
        {
            body = gzip;
            response.Headers.ContentEncoding = "gzip";
        }
        response.ContentType = asset.ContentType;
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(request.Method))
            await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.Headers.AcceptEncoding.Any(v => v is not null && v.Contains("gzip", StringComparison.OrdinalIgnoreCase));
}
