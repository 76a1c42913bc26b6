using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Sightline.Contract;

/// <summary>
/// Reads the small JSON (or form) bodies of the write calls the contract's way: the wrong media type,
/// an oversized or malformed body is <c>parameter_invalid</c> naming <c>body</c>, never a framework 415.
/// </summary>
public static class RequestBody
{
    /// <summary>Far above any comment or blur request, far below the upload limit.</summary>
    public const int MaxJsonBytes = 256 * 1024;

    public static bool IsJson(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A form body: application/x-www-form-urlencoded, or multipart/form-data as a browser's <c>FormData</c> and
    /// <c>curl -F</c> send it (spec §5 item 5 says "form encoding" without naming one).
    /// </summary>
    public static bool IsForm(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
        (type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ||
         type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// True when the request carries no body at all (no Content-Length and no chunked body, or Content-Length 0): its
    /// fields are then absent, which is <c>parameter_missing</c> for a required one, whatever the Content-Type says
    /// (CONTRACT.md §3, §4: a missing parameter is judged before an invalid one).
    /// </summary>
    public static bool IsAbsent(HttpRequest request) =>
        request.ContentLength == 0 ||
        request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false };

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>The body as a JSON object; the Content-Type must be application/json. No body at all is an empty object.</summary>
    public static async Task<JsonElement> JsonObjectAsync(HttpRequest request, CancellationToken cancellation)
    {
        if (IsAbsent(request))
            return EmptyObject;
        if (!IsJson(request))
            throw ApiException.Invalid("body", "must be JSON sent with Content-Type: application/json");
        return await ParseObjectAsync(request, cancellation);
    }

    /// <summary>
    /// One text field of a JSON object body or of a form body (spec §5 item 5); null when absent or empty.
    /// A present field that is not a string is <c>parameter_invalid</c>.
    /// </summary>
    public static async Task<string?> TextFieldAsync(HttpRequest request, string field, CancellationToken cancellation)
    {
        var (_, text) = await OptionalTextFieldAsync(request, field, cancellation);
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>
    /// Like <see cref="TextFieldAsync"/>, but tells an absent field (Present false) from one sent empty or null (Present
    /// true, Text null): for a field whose empty value means something, such as "no project".
    /// </summary>
    public static async Task<(bool Present, string? Text)> OptionalTextFieldAsync(HttpRequest request, string field, CancellationToken cancellation)
    {
        if (IsAbsent(request))
            return (false, null);
        if (IsForm(request))
        {
            if (request.ContentLength > MaxJsonBytes)
                throw ApiException.Invalid("body", $"must be at most {MaxJsonBytes} bytes");
            // Through RequestBodyMiddleware's form feature: an undecodable form is parameter_invalid.
            var form = await request.ReadFormAsync(cancellation);
            if (!form.TryGetValue(field, out var values) || values.Count == 0)
                return (false, null);
            return (true, string.IsNullOrEmpty(values[0]) ? null : values[0]);
        }
        if (!IsJson(request))
            throw ApiException.Invalid("body", "must be JSON (application/json) or a form (application/x-www-form-urlencoded or multipart/form-data)");
        var json = await ParseObjectAsync(request, cancellation);
        if (!json.TryGetProperty(field, out var value))
            return (false, null);
        if (value.ValueKind == JsonValueKind.Null)
            return (true, null);
        if (value.ValueKind != JsonValueKind.String)
            throw ApiException.Invalid(field, "must be a string");
        var text = value.GetString();
        return (true, string.IsNullOrEmpty(text) ? null : text);
    }

    private static async Task<JsonElement> ParseObjectAsync(HttpRequest request, CancellationToken cancellation)
    {
        var bytes = await ReadCappedAsync(request, cancellation);
        if (bytes.Length == 0)
            return EmptyObject; // a chunked body that turned out empty is no body, as IsAbsent says for the others
        var json = ParseJson(bytes, () => ApiException.Invalid("body", "is not well-formed JSON (UTF-8, every string whole text without control characters)"));
        return json.ValueKind == JsonValueKind.Object ? json : throw ApiException.Invalid("body", "must be a JSON object");
    }

    /// <summary>
    /// JSON a caller sent (a body, or a parameter holding JSON), or the given refusal when it is not well-formed. Well-formed
    /// includes its text: <see cref="JsonDocument"/> accepts a string of invalid UTF-8 or a lone surrogate escape
    /// (<c>"\ud800"</c>) and only fails when a handler reads it, which must not be a 500; and a string holding a control
    /// character other than tab and line breaks (<c>"\u0000"</c>) is refused as a query or a form holding one is.
    /// </summary>
    public static JsonElement ParseJson(ReadOnlyMemory<byte> utf8, Func<ApiException> malformed)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8);
            return IsText(document.RootElement) ? document.RootElement.Clone() : throw malformed();
        }
        catch (JsonException)
        {
            throw malformed();
        }
    }

    /// <inheritdoc cref="ParseJson(ReadOnlyMemory{byte}, Func{ApiException})"/>
    public static JsonElement ParseJson(string text, Func<ApiException> malformed) =>
        ParseJson(System.Text.Encoding.UTF8.GetBytes(text), malformed);

    // As in a query or a form (Access.PercentEncoding): no control character but tab and line breaks. PostgreSQL cannot
    // store U+0000 in text at all, so a NUL accepted here was a 500 on that backend and stored on SQLite.
    private static bool IsPlainText(string text)
    {
        foreach (var c in text)
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n'))
                return false;
        return true;
    }

    private static bool IsText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    return IsPlainText(element.GetString()!);
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                        if (!IsText(item))
                            return false;
                    return true;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                        if (property.Name is null || !IsPlainText(property.Name) || !IsText(property.Value))
                            return false;
                    return true;
                default:
                    return true;
            }
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpRequest request, CancellationToken cancellation)
    {
        if (request.ContentLength > MaxJsonBytes)
            throw ApiException.Invalid("body", $"must be at most {MaxJsonBytes} bytes");
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxJsonBytes)
                throw ApiException.Invalid("body", $"must be at most {MaxJsonBytes} bytes");
        }
        return buffer.ToArray();
    }
}
