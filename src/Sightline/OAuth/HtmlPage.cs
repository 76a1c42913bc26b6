using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Sightline.OAuth;

/// <summary>
/// The server-rendered pages a person sees (sign-in, consent, settings, errors): one layout, every
/// value HTML-encoded, and headers that forbid scripts, framing and posting anywhere unexpected.
/// </summary>
public static class HtmlPage
{
    public const string CsrfField = "csrf";

    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#222}" +
        "label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password],textarea{width:100%;padding:.4rem;box-sizing:border-box}" +
        "button{margin:.8rem .4rem 0 0;padding:.4rem 1rem}.error{color:#a00}code{background:#eee;padding:.1rem .3rem}li{margin:.3rem 0}";

    // The stylesheet is inline, allowed by its hash, so the policy needs neither 'unsafe-inline' nor a file.
    private static readonly string StyleHash = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style))) + "'";

    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>A hidden antiforgery field for a form of this page.</summary>
    public static string CsrfInput(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{CsrfField}\" value=\"{E(tokens.RequestToken)}\">";
    }

    /// <summary>True when the form carries a valid antiforgery token for this session.</summary>
    public static async Task<bool> HasValidCsrfAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            return true;
        }
        catch (Exception e) when (e is AntiforgeryValidationException or InvalidDataException
                                  || (e is IOException && !context.RequestAborted.IsCancellationRequested))
        {
            return false; // a form body that cannot be parsed (say, a truncated multipart one) carries no valid token either
        }
    }

    /// <summary>Writes a page; <paramref name="bodyHtml"/> must already be encoded. <paramref name="formTargets"/> are extra CSP form-action sources.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string bodyHtml, IEnumerable<string>? formTargets = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        var formAction = string.Join(' ', new[] { "'self'" }.Concat(formTargets ?? []));
        response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; style-src {StyleHash}; form-action {formAction}; frame-ancestors 'none'; base-uri 'none'";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
        var html = $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
                   $"<title>{E(title)} · Sightline</title><style>{Style}</style></head><body><h1>{E(title)}</h1>{bodyHtml}</body></html>";
        var bytes = Encoding.UTF8.GetBytes(html);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static readonly Contract.FailureForm Failures = new((context, code, message) =>
    {
        var status = Contract.ErrorCatalogue.Of(code).Status;
        return ErrorAsync(context, status, status switch
        {
            401 => "Not signed in",
            404 => "Page not found",
            429 => "Too many attempts",
            >= 500 => "Something went wrong",
            _ => "Request not valid",
        }, message);
    });

    /// <summary>The route is a page: its failures (say, a malformed query string) are shown as HTML rather than JSON.</summary>
    public static TBuilder AnswersWithHtml<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Failures);

    /// <summary>A page that tells the person something went wrong and offers no way on.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string title, string message) =>
        WriteAsync(context, status, title, $"<p class=\"error\">{E(message)}</p>");

    /// <summary>The CSP source for a redirect URI: browsers apply form-action to the redirect after a form post.</summary>
    public static string? FormActionSource(string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri))
            return null;
        var source = uri.Scheme is "http" or "https" ? uri.GetLeftPart(UriPartial.Authority) : uri.Scheme + ":";
        // A CSP source list is split on spaces and ';': never let a registered URI add a directive.
        return source.Any(c => char.IsWhiteSpace(c) || c is ';' or ',' or '\'') ? null : source;
    }
}
