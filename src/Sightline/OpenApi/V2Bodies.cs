using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Sightline.OpenApi;

/// <summary>
/// The request bodies that handlers read by hand and are more than a few text fields (those are <see cref="V2Parameters.Bodies"/>):
/// the uploaded JPEG, the avatar picture, the blur request, a detector's results and the OAuth forms, with their media types,
/// so that a generated client can send them and a fuzzer reaches past "body is required".
/// </summary>
public static class V2Bodies
{
    /// <summary>The body of the operation (method and route pattern as the document lists them), or null when it reads none of these.</summary>
    public static OpenApiRequestBody? For(string operation) => operation switch
    {
        "POST /v2/me/uploads/images/{key}" => Binary("The photo: a JPEG with EXIF (GPS position, DateTimeOriginal), at most the server's upload limit.", "image/jpeg"),
        "POST /v2/me/avatar" or "PUT /v2/me/avatar" => Binary("The picture, at most 10 MiB; cropped to its centre and scaled to 256×256.", "image/jpeg", "image/png"),
        "POST /v2/im/{key}/b" => Json("The complete set of blurs wanted.", Object(["bs"], new()
        {
            ["bs"] = List(Object(["type", "rect"], new()
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. new[] { "face", "license", "useredit", "user" }.Select(t => (JsonNode)t)] },
                ["rect"] = Rect("[x_min,y_min,x_max,y_max] or [[x,y],[x,y]], normalized to the displayed image, top-left origin."),
            }), minItems: 1, maxItems: Blurs.Blur.MaxPerRequest),
        }), new JsonObject { ["bs"] = new JsonArray(new JsonObject { ["type"] = "useredit", ["rect"] = new JsonArray(0.1, 0.2, 0.3, 0.4) }) }),
        "PUT /v2/im/{key}/or/{package}" => Json("The package's results for the image; an empty list: it ran and found nothing.", Object(["or_rects"], new()
        {
            ["or_rects"] = List(Object(["type", "score", "rect"], new()
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "One of the package's classes." },
                ["score"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A decimal string, kept exactly as sent." },
                ["rect"] = Rect("[x_min,y_min,x_max,y_max], normalized, top-left origin."),
            })),
        }), new JsonObject
        {
            ["or_rects"] = new JsonArray(new JsonObject { ["type"] = "danger--children--de", ["score"] = "1.0417", ["rect"] = new JsonArray(0.1, 0.2, 0.3, 0.4) }),
        }),
        "POST /v2/oauth/token" => Form(["grant_type", "code"], new()
        {
            ["grant_type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["authorization_code"] },
            ["code"] = Text("The authorization code from /connect."),
            ["redirect_uri"] = Text("The redirect URI the code was issued for."),
            ["client_id"] = Text("The application's client_id, unless sent with HTTP Basic."),
            ["client_secret"] = Text("The confidential application's secret, unless sent with HTTP Basic."),
            ["code_verifier"] = Text("The PKCE verifier (public clients)."),
        }),
        "POST /v2/oauth/revoke" => Form(["token"], new()
        {
            ["token"] = Text("The access token to revoke."),
            ["token_type_hint"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["access_token"] },
            ["client_id"] = Text("The application's client_id, unless sent with HTTP Basic or in the query."),
            ["client_secret"] = Text("The confidential application's secret, unless sent with HTTP Basic."),
        }),
        _ => null,
    };

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    private static OpenApiSchema Object(string[] required, Dictionary<string, IOpenApiSchema> properties) => new()
    {
        Type = JsonSchemaType.Object,
        Required = required.ToHashSet(StringComparer.Ordinal),
        Properties = properties,
    };

    private static OpenApiSchema List(IOpenApiSchema items, int? minItems = null, int? maxItems = null) =>
        new() { Type = JsonSchemaType.Array, Items = items, MinItems = minItems, MaxItems = maxItems };

    private static OpenApiSchema Rect(string description)
    {
        var unit = new OpenApiSchema { Type = JsonSchemaType.Number, Minimum = "0", Maximum = "1" };
        return new OpenApiSchema
        {
            Description = description,
            OneOf =
            [
                List(unit, 4, 4),
                List(List(unit, 2, 2), 2, 2),
            ],
        };
    }

    private static OpenApiRequestBody Binary(string description, params string[] mediaTypes) => new()
    {
        Description = description,
        Required = true,
        Content = mediaTypes.ToDictionary(m => m, _ => new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } }),
    };

    private static OpenApiRequestBody Json(string description, OpenApiSchema schema, JsonNode example) => new()
    {
        Description = description,
        Required = true,
        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema, Example = example } },
    };

    // RFC 6749 §4.1.3 and RFC 7009 §2.1: form fields only.
    private static OpenApiRequestBody Form(string[] required, Dictionary<string, IOpenApiSchema> fields) => new()
    {
        Required = true,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/x-www-form-urlencoded"] = new() { Schema = Object(required, fields) },
        },
    };
}
