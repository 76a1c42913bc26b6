using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Sightline.Access;
using Sightline.OpenApi;

namespace Sightline.Stac;

/// <summary>
/// The STAC API's own OpenAPI document at <c>/openapi/stac.json</c>, the landing page's <c>service-desc</c>: the query
/// parameters each <c>/api</c> operation reads, the search's POST body, and the contract's failures, declared as the v2
/// document declares its own (<see cref="V2Operations"/>).
/// </summary>
public static class StacOpenApi
{
    private const string BearerScheme = "bearer";

    public static void Configure(OpenApiOptions options)
    {
        options.ShouldInclude = description => description.RelativePath is { } path && (path == "api" || path.StartsWith("api/", StringComparison.Ordinal));
        SchemaIds.Apply(options);
        options.AddDocumentTransformer(DescribeDocument);
        options.AddOperationTransformer(DeclareOperation);
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellation)
    {
        var stac = context.ApplicationServices.GetRequiredService<IOptions<StacOptions>>().Value;
        document.Info.Title = stac.Title + " STAC API";
        document.Info.Description = "STAC API 1.0 over the server's public sequences (Collections) and photos (Items), with the filter " +
                                    "extension (CQL2) and Panoramax's additions. Every failure is {\"code\",\"message\"} with a code of the error catalogue.";
        V2Document.DescribeContract(document);
        foreach (var (name, schema) in Schemas())
            document.Components!.Schemas![name] = schema;
        document.Components!.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Optional: a person's token from the v2 API's OAuth flows shows their private sequences and, to uploaders and " +
                              "moderators, the original files.",
            },
        };
        document.Info.License = new OpenApiLicense { Name = stac.License, Url = stac.LicenseUrl is { } url ? new Uri(url) : null };
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            tag.Description ??= "STAC API 1.0: the landing page, collections, items, search, and Panoramax's map tiles, users and reports.";
        return Task.CompletedTask;
    }

    private static Task DeclareOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var description = context.Description;
        var key = $"{description.HttpMethod} /{description.RelativePath!.Trim('/')}";
        var stac = context.ApplicationServices.GetRequiredService<IOptions<StacOptions>>().Value;
        var declared = Parameters(stac).GetValueOrDefault(key) ?? [];
        V2Operations.DeclareQuery(operation, declared);
        if (key == "POST /api/search")
            operation.RequestBody = SearchBody(Parameters(stac)["GET /api/search"]);
        if (key == "POST /api/reports")
            operation.RequestBody = ReportBody();
        DeclareAnswer(operation, key, context.Document);
        DescribePath(operation);
        var policy = description.ActionDescriptor.EndpointMetadata.OfType<AccessPolicy>().LastOrDefault() ?? AccessPolicy.Public;
        V2Operations.DeclareFailures(operation, policy, declared.Any(p => p.CanBeMissing) || operation.RequestBody is not null, context.Document);
        // Open to everyone; a token, when sent, widens what the caller may see.
        operation.Security = [new OpenApiSecurityRequirement(), new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
        return Task.CompletedTask;
    }

    // The media type of each 200 by the path's form, and the STAC object it holds (a component of Schemas), if it is one.
    private static (string MediaType, string? Schema) Answer(string key) => key switch
    {
        _ when key.EndsWith(".jpg", StringComparison.Ordinal) => ("image/jpeg", null),
        _ when key.EndsWith(".mvt", StringComparison.Ordinal) => ("application/vnd.mapbox-vector-tile", null),
        _ when key.EndsWith("/queryables", StringComparison.Ordinal) => ("application/schema+json", null),
        "GET /api/search" or "POST /api/search" or "GET /api/collections/{id}/items" => ("application/geo+json", ItemCollectionSchema),
        "GET /api/collections/{id}/items/{itemId}" => ("application/geo+json", ItemSchema),
        "GET /api/collections" => ("application/json", CollectionsSchema),
        "GET /api/collections/{id}" or "GET /api/users/{userId}/collection" => ("application/json", CollectionSchema),
        "GET /api" => ("application/json", CatalogSchema),
        "GET /api/conformance" => ("application/json", ConformanceSchema),
        _ => ("application/json", null),
    };

    private const string ItemSchema = "StacItem", ItemCollectionSchema = "StacItemCollection", CollectionSchema = "StacCollection",
        CollectionsSchema = "StacCollections", CatalogSchema = "StacCatalog", ConformanceSchema = "StacConformance";

    private static void DeclareAnswer(OpenApiOperation operation, string key, OpenApiDocument? document)
    {
        var (mediaType, schema) = Answer(key);
        operation.Responses ??= new OpenApiResponses();
        var ok = operation.Responses.TryGetValue("200", out var existing) && existing is OpenApiResponse response ? response : new OpenApiResponse { Description = "OK" };
        ok.Content = new Dictionary<string, OpenApiMediaType>
        {
            [mediaType] = new()
            {
                Schema = schema is not null ? new OpenApiSchemaReference(schema, document)
                    : mediaType.StartsWith("image/", StringComparison.Ordinal) || mediaType.EndsWith("vector-tile", StringComparison.Ordinal)
                        ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }
                        : Open(new OpenApiSchema { Type = JsonSchemaType.Object }),
            },
        };
        operation.Responses["200"] = ok;
    }

    // STAC objects are extensible (extensions add fields), so each schema names what the STAC API specification requires
    // and allows the rest.
    private static OpenApiSchema Open(OpenApiSchema schema)
    {
        schema.AdditionalProperties = new OpenApiSchema();
        return schema;
    }

    private static IEnumerable<(string Name, OpenApiSchema Schema)> Schemas()
    {
        OpenApiSchema Text() => new() { Type = JsonSchemaType.String };
        OpenApiSchema Constant(string value) => new() { Type = JsonSchemaType.String, Enum = [JsonValue.Create(value)!] };
        OpenApiSchema Array(IOpenApiSchema items) => new() { Type = JsonSchemaType.Array, Items = items };
        OpenApiSchema Object() => Open(new OpenApiSchema { Type = JsonSchemaType.Object });
        OpenApiSchema Shape(string[] required, Dictionary<string, IOpenApiSchema> properties) =>
            Open(new OpenApiSchema { Type = JsonSchemaType.Object, Required = required.ToHashSet(StringComparer.Ordinal), Properties = properties });
        var links = Array(Shape(["rel", "href"], new() { ["rel"] = Text(), ["href"] = Text(), ["type"] = Text(), ["title"] = Text() }));
        var geometry = new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null, Description = "A GeoJSON geometry." };

        yield return (ItemSchema, Shape(["type", "stac_version", "id", "geometry", "properties", "links", "assets"], new()
        {
            ["type"] = Constant("Feature"), ["stac_version"] = Text(), ["id"] = Text(), ["geometry"] = geometry,
            ["bbox"] = Array(new OpenApiSchema { Type = JsonSchemaType.Number }), ["properties"] = Object(), ["links"] = links,
            ["assets"] = Object(), ["collection"] = Text(),
        }));
        yield return (ItemCollectionSchema, Shape(["type", "features", "links"], new()
        {
            ["type"] = Constant("FeatureCollection"), ["features"] = Array(new OpenApiSchemaReference(ItemSchema)), ["links"] = links,
            ["numberMatched"] = new OpenApiSchema { Type = JsonSchemaType.Integer }, ["numberReturned"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
        }));
        yield return (CollectionSchema, Shape(["type", "stac_version", "id", "description", "license", "extent", "links"], new()
        {
            ["type"] = Constant("Collection"), ["stac_version"] = Text(), ["id"] = Text(), ["title"] = Text(), ["description"] = Text(),
            ["license"] = Text(), ["extent"] = Object(), ["links"] = links,
        }));
        yield return (CollectionsSchema, Shape(["collections", "links"], new()
        {
            ["collections"] = Array(new OpenApiSchemaReference(CollectionSchema)), ["links"] = links,
        }));
        yield return (CatalogSchema, Shape(["type", "stac_version", "id", "description", "links"], new()
        {
            ["type"] = Text(), ["stac_version"] = Text(), ["id"] = Text(), ["title"] = Text(), ["description"] = Text(),
            ["conformsTo"] = Array(Text()), ["links"] = links,
        }));
        yield return (ConformanceSchema, Shape(["conformsTo"], new() { ["conformsTo"] = Array(Text()) }));
    }

    // Path values of the demo data's shape: keys, and the demo's tile over Ghent at zoom 15.
    private static void DescribePath(OpenApiOperation operation)
    {
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Path))
        {
            var key = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9_-]{1,64}$" };
            (parameter.Description, parameter.Schema, parameter.Example) = parameter.Name switch
            {
                "id" => ("A sequence's (collection's) key, or a photo's on /pictures.", key, (JsonNode)"s8Hq2Lw0Pz4Nc7Ty1Rb5Ux"),
                "itemId" => ("A photo's key.", key, "k3Jd9aQpZ0xW1vB7nT4e2A"),
                "userId" => ("A user's id (the id of /api/users).", key, "9Yt2bQwL0cR7xZ1mN4vK8a"),
                "z" => ("Zoom level.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0", Maximum = MapTiles.MaxZoom.ToString(System.Globalization.CultureInfo.InvariantCulture) }, 15),
                "x" or "y" => ($"Tile {parameter.Name} at the zoom level.", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" }, parameter.Name == "x" ? 16722 : 10962),
                _ => (parameter.Description, parameter.Schema, parameter.Example),
            };
        }
    }

    /// <summary>The query parameters each operation reads, as <see cref="ItemQueryReader"/> and the handlers read them.</summary>
    public static Dictionary<string, IReadOnlyList<QueryParameter>> Parameters(StacOptions stac)
    {
        var bbox = new QueryParameter("bbox", "string", "west,south,east,north in degrees (WGS 84); a west edge east of the east edge crosses the antimeridian.")
            { Example = "3.71,51.05,3.73,51.06", Invalid = "1,2,3" };
        var intersects = new QueryParameter("intersects", "string", "A GeoJSON geometry (any type, at most 1,000 parts), as JSON text; not with bbox.")
            { Example = """{"type":"Point","coordinates":[3.72,51.054]}""", Invalid = "{" };
        var datetime = new QueryParameter("datetime", "string", "An RFC 3339 instant, or an interval start/end with '..' for an open end.")
            { Example = "2024-05-04T00:00:00Z/..", Invalid = "yesterday" };
        var filter = new QueryParameter("filter", "string", "A CQL2 filter over the queryables (/api/queryables), in CQL2-text unless filter-lang says otherwise.")
            { Example = "\"view:azimuth\" > 180", Invalid = "view:azimuth >" };
        var filterLang = new QueryParameter("filter-lang", "string", "The language of filter.")
            { Example = "cql2-text", Enum = ["cql2-text", "cql2-json"], Default = "cql2-text" };
        var token = new QueryParameter("token", "string", "The token of a next or prev link of an earlier answer.") { Example = "next:10", Invalid = "later" };
        QueryParameter Limit(int fallback, int max) => new("limit", "integer", $"Page size, default {fallback}; above {max} is served as {max}.")
            { Minimum = 1, Default = fallback, Example = Math.Min(5, max), Invalid = "0" };
        var items = new[] { bbox, intersects, datetime, filter, filterLang, Limit(stac.DefaultLimit, stac.MaxLimit), token };
        var search = items.Concat(
        [
            new QueryParameter("ids", "string", "Photo keys, comma-separated.") { Example = "k3Jd9aQpZ0xW1vB7nT4e2A", Invalid = "no*key" },
            new QueryParameter("collections", "string", "Sequence keys, comma-separated.") { Example = "s8Hq2Lw0Pz4Nc7Ty1Rb5Ux", Invalid = "no*key" },
            new QueryParameter("sortby", "string", "Fields to sort by, comma-separated, each with an optional + or - prefix: datetime, id.") { Example = "-datetime", Invalid = "colour" },
            new QueryParameter("place_position", "string", "lon,lat of a place: only photos looking at it, nearest first (Panoramax).") { Example = "3.7218,51.0541", Invalid = "east" },
            new QueryParameter("place_distance", "string", "min-max metres from the place.") { Example = "3-15", With = ["place_position"] },
            new QueryParameter("place_fov_tolerance", "number", "How far off the camera's axis the place may be, in degrees.")
                { Minimum = 2, Maximum = 180, Example = 30, With = ["place_position"] },
        ]).ToList();
        return new Dictionary<string, IReadOnlyList<QueryParameter>>(StringComparer.Ordinal)
        {
            ["GET /api/search"] = search,
            ["GET /api/collections/{id}/items"] = items,
            ["GET /api/collections"] = [bbox, datetime, Limit(100, CollectionsApi.MaxCollectionsPage), token],
            ["GET /api/users"] = [Limit(100, UsersApi.MaxUsers)],
            ["GET /api/users/search"] =
            [
                new QueryParameter("q", "string", "The start of a username.") { Required = true, MaxLength = 100, Example = "de" },
                Limit(20, UsersApi.MaxUsers),
            ],
        };
    }

    // Panoramax's report: an issue about a picture or a sequence, filed as a complaint for the moderators.
    private static OpenApiRequestBody ReportBody()
    {
        OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };
        return new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "issue" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["issue"] = new OpenApiSchema
                            {
                                Type = JsonSchemaType.String, Description = "What is wrong.",
                                Enum = ReportsApi.Issues.Select(i => (JsonNode)JsonValue.Create(i)!).ToList(),
                            },
                            ["picture_id"] = Text("The photo's key (this or sequence_id)."),
                            ["sequence_id"] = Text("The sequence's key (this or picture_id)."),
                            ["reporter_email"] = Text("Where the moderators may answer."),
                            ["reporter_comments"] = Text("What the reporter saw."),
                        },
                    },
                    Example = new JsonObject { ["issue"] = "blur_missing", ["picture_id"] = "k3Jd9aQpZ0xW1vB7nT4e2A" },
                },
            },
        };
    }

    // The POST search reads the same fields from a JSON object; bbox, ids, collections and sortby may be arrays, intersects and
    // filter objects (STAC API item search).
    private static OpenApiRequestBody SearchBody(IReadOnlyList<QueryParameter> fields)
    {
        IOpenApiSchema Field(QueryParameter field) => field.Name switch
        {
            "bbox" => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Number }, MinItems = 4, MaxItems = 6, Description = field.Description },
            "ids" or "collections" => new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String }, Description = field.Description },
            "intersects" or "filter" => new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.String, Description = field.Description },
            "sortby" => new OpenApiSchema { Type = JsonSchemaType.Array, Description = "[{\"field\": \"datetime\", \"direction\": \"desc\"}]" },
            "limit" => new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Description = field.Description },
            _ => new OpenApiSchema { Type = JsonSchemaType.String, Description = field.Description },
        };
        return new OpenApiRequestBody
        {
            Required = false,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = fields.ToDictionary(f => f.Name, Field) },
                    Example = new JsonObject { ["bbox"] = new JsonArray(3.71, 51.05, 3.73, 51.06), ["limit"] = 5 },
                },
            },
        };
    }
}
