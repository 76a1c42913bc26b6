using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sightline.Contract;

namespace Sightline.Stac;

/// <summary>
/// How /api answers: STAC documents written as built (their field names are the standard's, not the v2 API's
/// snake_case), and failures in the contract's statuses and codes with STAC's <c>description</c> beside <c>message</c>.
/// </summary>
public static class StacResults
{
    // Relaxed escaping: media types such as application/geo+json stay readable ("+" is not escaped).
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Json(JsonNode document, string contentType = StacLinks.Json) =>
        Results.Text(document.ToJsonString(Compact), contentType + "; charset=utf-8", Encoding.UTF8, 200);

    public static IResult GeoJson(JsonNode document) => Json(document, StacLinks.GeoJson);

    private static readonly JsonWriterOptions Writing = new() { Encoder = Compact.Encoder };

    /// <summary>A GeoJSON answer written by <paramref name="write"/> straight into the response, without a document in memory.</summary>
    public static IResult GeoJson(Action<Utf8JsonWriter> write) => new Written(write, StacLinks.GeoJson);

    private sealed class Written(Action<Utf8JsonWriter> write, string contentType) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = contentType + "; charset=utf-8";
            await using (var writer = new Utf8JsonWriter(response.BodyWriter, Writing))
                write(writer);
            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }
    }
}
