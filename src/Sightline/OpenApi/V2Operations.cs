using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Sightline.Access;
using Sightline.Contract;

namespace Sightline.OpenApi;

/// <summary>
/// Completes each v2 operation: its query parameters from <see cref="V2Parameters"/>, its security from the route's
/// <see cref="AccessPolicy"/>, and every failure the contract allows for it, with the catalogue's codes for each status
/// (CONTRACT.md §3-4) rather than prose.
/// </summary>
public sealed class V2Operations(IServiceProvider services) : IOpenApiOperationTransformer
{
    public const string ErrorSchema = "Error", ClientIdScheme = "client_id", OAuthScheme = "oauth2", ClientCredentialsScheme = "client_credentials";

    private readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<QueryParameter>>> table = new(() => V2Document.Parameters(services));

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var description = context.Description;
        var path = "/" + description.RelativePath!.Trim('/'); // a group's own route ends in '/'; the document drops it
        var policy = description.ActionDescriptor.EndpointMetadata.OfType<AccessPolicy>().LastOrDefault() ?? AccessPolicy.Public;

        DeclareQuery(operation, table.Value.GetValueOrDefault($"{description.HttpMethod} {path}") ?? []);
        if (V2Parameters.Bodies.GetValueOrDefault($"{description.HttpMethod} {path}") is { } body)
            operation.RequestBody = DeclareBody(body);
        else if (V2Bodies.For($"{description.HttpMethod} {path}") is { } read)
            operation.RequestBody = read;
        DescribePath(operation);
        operation.Security = Security(policy, context.Document);

        var hasRequired = operation.Parameters?.Any(p => p.Required) == true || operation.RequestBody is not null ||
                          table.Value.GetValueOrDefault($"{description.HttpMethod} {path}")?.Any(p => p.CanBeMissing) == true;
        operation.Responses ??= new OpenApiResponses();
        if (path == "/v2/u/{user}/profile.png")
        {
            operation.Responses.Remove("200");
            operation.Responses["302"] = new OpenApiResponse
            {
                Description = "Found: the user's profile picture, or the default picture.",
                Headers = new Dictionary<string, IOpenApiHeader> { ["Location"] = new OpenApiHeader { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            };
        }
        DeclareFailures(operation, policy, hasRequired, context.Document);
        return Task.CompletedTask;
    }

    /// <summary>Declares every failure the contract allows for an operation under <paramref name="policy"/>, with the catalogue's codes.</summary>
    internal static void DeclareFailures(OpenApiOperation operation, AccessPolicy policy, bool hasRequired, OpenApiDocument? document)
    {
        operation.Responses ??= new OpenApiResponses();
        foreach (var (status, codes) in Failures(policy, hasRequired))
            operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = ErrorResponse(status, codes, document, policy);
        foreach (var response in operation.Responses.Values.OfType<OpenApiResponse>())
            DeclareBudgetFields(response);
    }

    /// <summary>
    /// CONTRACT.md §5: every answer to a request with a valid client_id, failures included, carries the application
    /// budget's RateLimit fields; declared on every response so that a generated client can read them.
    /// </summary>
    private static void DeclareBudgetFields(OpenApiResponse response)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers["RateLimit-Policy"] = new OpenApiHeader
        {
            Description = "Present when the request named a valid client_id: the application's budget, as `\"default\";q=<quota>;w=<window seconds>`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("\"default\";q=6000;w=60"),
        };
        response.Headers["RateLimit"] = new OpenApiHeader
        {
            Description = "Present when the request named a valid client_id: what is left of the application's budget, as " +
                          "`\"default\";r=<remaining>;t=<seconds until it is full again>`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("\"default\";r=5999;t=1"),
        };
    }

    // CONTRACT.md §1-4 for this route: every call can be malformed, too large, unknown or over budget; the client and
    // token checks apply where the access policy says so. parameter_missing wherever something can be left out: a required
    // parameter, a body, or a parameter that goes with others (a box edge without the other three).
    private static IEnumerable<(int Status, IReadOnlyList<ErrorCode> Codes)> Failures(AccessPolicy policy, bool hasRequired)
    {
        yield return (400, hasRequired ? [ErrorCode.ParameterMissing, ErrorCode.ParameterInvalid] : [ErrorCode.ParameterInvalid]);
        if (policy.ClientAuthenticatesItself)
            yield return (401, [ErrorCode.ClientIdMissing, ErrorCode.ClientIdInvalid]);
        else if (policy.RequiresClient)
            yield return (401, [ErrorCode.ClientIdMissing, ErrorCode.ClientIdInvalid, ErrorCode.UserNotAuthenticated, ErrorCode.ClientIdDiffer]);
        else
            yield return (401, [ErrorCode.UserNotAuthenticated]);
        yield return (404, [ErrorCode.NotFound]);
        yield return (429, [ErrorCode.TooManyRequests]);
        yield return (500, [ErrorCode.InternalServerError]);
    }

    private static OpenApiResponse ErrorResponse(int status, IReadOnlyList<ErrorCode> codes, OpenApiDocument? document, AccessPolicy policy)
    {
        var entries = codes.Select(ErrorCatalogue.Of).ToList();
        var response = new OpenApiResponse
        {
            Description = string.Join(" ", entries.Select(e => $"{e.Code}: {e.DefaultMessage}")),
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    // The catalogue's body, with the codes this status can carry on this operation.
                    Schema = new OpenApiSchema
                    {
                        AllOf = [new OpenApiSchemaReference(ErrorSchema, document), ErrorBody(entries.Select(e => e.Code).ToList(), policy.ClientAuthenticatesItself)],
                    },
                    Example = new JsonObject { ["code"] = entries[0].Code, ["message"] = entries[0].DefaultMessage },
                },
            },
        };
        if (status == 429)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Whole seconds until the budget allows another call.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" } },
            };
        }
        if (status == 401)
        {
            // Every 401 challenges (RFC 7235 §3.1): the OAuth endpoints, where the client authenticates itself, for HTTP
            // Basic credentials (RFC 6749 §5.2); every other route for a bearer token (RFC 6750 §3, ErrorResponse.BearerChallenge).
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["WWW-Authenticate"] = policy.ClientAuthenticatesItself
                    ? new OpenApiHeader
                    {
                        Description = "`Basic realm=\"sightline\"`: the client's credentials were missing or refused.",
                        Required = true,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        Example = JsonValue.Create("Basic realm=\"sightline\""),
                    }
                    : new OpenApiHeader
                    {
                        Description = "`Bearer realm=\"sightline\"`, with `error=\"invalid_token\"` when a token was sent and refused, or " +
                                      "`error=\"insufficient_scope\", scope=\"<the scope the call needs>\"` when the token lacks it.",
                        Required = true,
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                        Example = JsonValue.Create("Bearer realm=\"sightline\", error=\"invalid_token\""),
                    },
            };
        }
        return response;
    }

    /// <summary>
    /// The catalogue's failure body, <c>{"code","message"}</c>, limited to <paramref name="codes"/>; at the OAuth endpoints
    /// (<paramref name="oauth"/>) also RFC 6749 §5.2's <c>error</c> and <c>error_description</c> (CONTRACT.md §6).
    /// </summary>
    public static OpenApiSchema ErrorBody(IReadOnlyList<string> codes, bool oauth = false)
    {
        var body = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "code", "message" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = codes.Select(c => (JsonNode)JsonValue.Create(c)!).ToList() },
                ["message"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "One English sentence naming what to fix." },
            },
        };
        if (oauth)
        {
            body.Properties["error"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "RFC 6749 §5.2's error code, e.g. invalid_client." };
            body.Properties["error_description"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The same sentence as message." };
        }
        return body;
    }

    private static List<OpenApiSecurityRequirement> Security(AccessPolicy policy, OpenApiDocument? document)
    {
        OpenApiSecurityRequirement Requirement(params (string Scheme, string[] Scopes)[] schemes)
        {
            var requirement = new OpenApiSecurityRequirement();
            foreach (var (scheme, scopes) in schemes)
                requirement[new OpenApiSecuritySchemeReference(scheme, document)] = [.. scopes];
            return requirement;
        }

        // The OAuth endpoints: the client authenticates itself (HTTP Basic, or the same credentials as form fields, which no
        // security scheme can name); never anonymous.
        if (policy.ClientAuthenticatesItself)
            return [Requirement((ClientCredentialsScheme, []))];
        if (!policy.RequiresClient)
            return [Requirement(), Requirement((OAuthScheme, []))];
        if (policy.RequiredScope is { } scope)
            return [Requirement((ClientIdScheme, []), (OAuthScheme, [scope]))];
        if (policy.OneOfScopes is { Count: > 0 } choices)
            return [.. choices.Select(choice => Requirement((ClientIdScheme, []), (OAuthScheme, [choice])))];
        return [Requirement((ClientIdScheme, [])), Requirement((ClientIdScheme, []), (OAuthScheme, []))];
    }

    internal static void DeclareQuery(OpenApiOperation operation, IReadOnlyList<QueryParameter> declared)
    {
        operation.Parameters ??= [];
        // Handlers that bind query values as strings show up as untyped parameters: the declaration replaces them.
        var names = declared.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var generated in operation.Parameters.Where(p => p.In == ParameterLocation.Query).ToList())
            if (generated.Name is { } name && (names.Contains(name) || name == "client_id"))
                operation.Parameters.Remove(generated);
        foreach (var parameter in declared)
            operation.Parameters.Add(ToOpenApi(parameter));
    }

    private static OpenApiParameter ToOpenApi(QueryParameter parameter)
    {
        var schema = new OpenApiSchema
        {
            Type = parameter.Type switch
            {
                "integer" => JsonSchemaType.Integer,
                "number" => JsonSchemaType.Number,
                "boolean" => JsonSchemaType.Boolean,
                _ => JsonSchemaType.String,
            },
            Format = parameter.Format,
            Minimum = parameter.Minimum?.ToString(CultureInfo.InvariantCulture),
            Maximum = parameter.Maximum?.ToString(CultureInfo.InvariantCulture),
            Default = parameter.Default?.DeepClone(),
            Pattern = parameter.Pattern,
            MaxLength = parameter.MaxLength,
            Enum = parameter.Enum?.Select(e => (JsonNode)JsonValue.Create(e)!).ToList(),
        };
        return new OpenApiParameter
        {
            Name = parameter.Name,
            In = ParameterLocation.Query,
            Required = parameter.Required,
            Description = parameter.With is { Count: > 0 } others
                ? $"{parameter.Description} Only with {Names(others)}: sent without one of them, the call is parameter_missing naming it.".TrimStart()
                : parameter.Description,
            Schema = parameter.Repeatable ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = schema } : schema,
            Style = parameter.Repeatable ? ParameterStyle.Form : null,
            Explode = parameter.Repeatable,
            Example = parameter.Repeatable ? new JsonArray(parameter.Example.DeepClone()) : parameter.Example.DeepClone(),
        };
    }

    private static string Names(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];

    // The small write bodies are read by hand (RequestBody), so the generator sees none: the same fields as a JSON
    // object or as a form (spec §5 item 5).
    private static OpenApiRequestBody DeclareBody(IReadOnlyList<QueryParameter> fields)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = fields.Where(f => f.Required).Select(f => f.Name).ToHashSet(StringComparer.Ordinal),
            Properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)new OpenApiSchema
            {
                Type = f.Nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String,
                Description = f.Description,
                Pattern = f.Pattern,
                MaxLength = f.MaxLength,
            }),
        };
        var example = new JsonObject(fields.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)f.Example.DeepClone())));
        return new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = schema, Example = example },
                ["application/x-www-form-urlencoded"] = new() { Schema = schema },
            },
        };
    }

    // Path parameters keep the generator's name and requiredness; the wire form is said here once.
    private static void DescribePath(OpenApiOperation operation)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Path))
        {
            (parameter.Description, parameter.Schema, parameter.Example) = parameter.Name switch
            {
                "key" => ("The object's key.", new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 64 }, (JsonNode)"k3Jd9aQpZ0xW1vB7nT4e2A"),
                "user" => ("A username.", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9_-]{2,32}$" }, "demo"),
                "package" => ("A detector package, or its 1.0 name.", new OpenApiSchema { Type = JsonSchemaType.String }, "trafficsign_eu_6.0"),
                "size" => ("The width in pixels.", new OpenApiSchema { Type = JsonSchemaType.Integer, Enum = [320, 640, 1024, 2048] }, 640),
                "z" => ("Zoom level.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0", Maximum = Tiles.TilesApi.MaxZoom.ToString(CultureInfo.InvariantCulture) }, 14),
                "x" or "y" => ($"Tile {parameter.Name} at the zoom level.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" }, parameter.Name == "x" ? 8327 : 5479),
                "geohash" => ("A geohash of 7 characters (a cell of about 153 × 153 m).", new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9b-hjkmnp-z]{7}$" }, "u14dhqd"),
                "id" => ("The avatar's id.", new OpenApiSchema { Type = JsonSchemaType.String }, "9c04e1b7aa31f05d2e6b8c42"),
                _ => (parameter.Description, parameter.Schema, parameter.Example),
            };
        }
    }
}
