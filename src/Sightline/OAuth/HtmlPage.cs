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

    // The web app's colours and fonts (web/src/style.css: --ink, --muted, --line, --wash, --accent, --danger, --focus, the
    // top bar), in one column that fits a phone.
    private const string Style =
        ":root{color:#1d232a;background:#f5f7f9;font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;line-height:1.45}" +
        "*{box-sizing:border-box}body{margin:0}a{color:#0b5cad}:focus-visible{outline:3px solid #1c64f2;outline-offset:2px}" +
        ".topbar{height:52px;display:flex;align-items:center;padding:0 1rem;background:#14202b}" +
        ".brand{color:#fff;text-decoration:none;font-weight:800;font-size:1.15rem}" +
        ".brand::before{content:\"\";display:inline-block;width:.8rem;height:.8rem;border-radius:50%;background:#3ddc84;margin-right:.45rem}" +
        "main{max-width:30rem;margin:1.5rem auto;padding:1.25rem 1.25rem 1.5rem;background:#fff;border:1px solid #d8dde3;border-radius:10px}" +
        "@media (max-width:32rem){main{margin:0;border:0;border-radius:0}}" +
        "h1{font-size:1.4rem;margin:0 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}" +
        "label{display:block;margin:.9rem 0 .25rem;font-weight:600}" +
        "input[type=text],input[type=password],input[type=url],textarea{font:inherit;width:100%;padding:.5rem .6rem;border:1px solid #8a949e;border-radius:6px;background:#fff;color:#1d232a}" +
        "button{font:inherit;font-weight:600;margin:1rem .4rem 0 0;padding:.5rem 1rem;border:1px solid #0a7d3b;border-radius:6px;background:#0a7d3b;color:#fff;cursor:pointer}" +
        "button[value=deny]{background:#fff;color:#0a7d3b}" +
        ".error{color:#b42318;background:#fef3f2;border:1px solid #fecdca;border-radius:6px;padding:.6rem .8rem}" +
        ".muted{color:#59636e}code{background:#eef1f4;padding:.1rem .3rem;border-radius:4px}li{margin:.4rem 0}ul{padding-left:1.2rem}";

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
        var html = $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
                   $"<title>{E(title)} · Sightline</title><style>{Style}</style></head><body>" +
                   "<header class=\"topbar\"><a class=\"brand\" href=\"/\">Sightline</a></header>" +
                   $"<main><h1>{E(title)}</h1>{bodyHtml}</main></body></html>";
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
        WriteAsync(context, status, title, $"<p class=\"error\" role=\"alert\">{E(message)}</p><p><a href=\"/\">Back to Sightline</a></p>");

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
