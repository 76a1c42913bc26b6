using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sightline.Contract;

/// <summary>The API's JSON conventions: snake_case wire names, no indentation.</summary>
public static class ContractJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.WriteIndented = false;
        // Messages quote parameter values ('min_lat'); the default encoder writes every quote as \u0027 and every
        // non-ASCII letter as \uXXXX. The relaxed encoder still escapes what JSON requires (quotation mark, backslash,
        // control characters), so bodies stay valid JSON; they are served as application/json, never inlined into HTML.
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        // Numbers are numbers: the web defaults also read them from strings, which makes the OpenAPI document type every
        // number as ["number","string"]. Request bodies are read as JSON documents by the handlers, never bound from strings.
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }
}
