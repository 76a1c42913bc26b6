using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Sightline.Stac;

/// <summary>
/// <c>GET /api</c> (the STAC catalog every client starts from: its <c>links</c> name every other endpoint),
/// <c>/api/conformance</c>, <c>/api/queryables</c> and <c>/api/configuration</c>.
/// </summary>
public static class LandingApi
{
    public const string QueryablesRel = "http://www.opengis.net/def/rel/ogc/1.0/queryables";

    public static readonly IReadOnlyList<string> ConformanceClasses =
    [
        "https://api.stacspec.org/v1.0.0/core",
        "https://api.stacspec.org/v1.0.0/collections",
        "https://api.stacspec.org/v1.0.0/ogcapi-features",
        "https://api.stacspec.org/v1.0.0/item-search",
        "https://api.stacspec.org/v1.0.0/item-search#sort",
        "https://api.stacspec.org/v1.0.0-rc.2/item-search#filter",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
        "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    ];

    public static void MapStacLanding(this RouteGroupBuilder api)
    {
        api.MapGet("", GetLanding).WithName("StacLanding").WithSummary("The STAC API landing page (a STAC Catalog)");
        api.MapGet("/conformance", GetConformance).WithName("StacConformance").WithSummary("The conformance classes this API implements");
        api.MapGet("/queryables", GetQueryables).WithName("StacQueryables").WithSummary("The fields a CQL2 filter may use (JSON Schema)");
        api.MapGet("/configuration", GetConfiguration).WithName("StacConfiguration").WithSummary("What a Panoramax client may use here (no sign-in through /api)");
    }

    public static IResult GetLanding(HttpRequest request, SequenceCatalogue catalogue, IOptions<StacOptions> options)
    {
        var links = new StacLinks(request);
        var landing = new JsonObject
        {
            ["type"] = "Catalog",
            ["stac_version"] = StacDocuments.StacVersion,
            ["stac_extensions"] = new JsonArray(),
            ["id"] = "sightline",
            ["title"] = options.Value.Title,
            ["description"] = options.Value.Description,
            ["conformsTo"] = new JsonArray([.. ConformanceClasses.Select(c => (JsonNode)c)]),
        };
        // Where the photos are: the Panoramax viewer opens its map on this box.
        if (catalogue.Extent() is var ((minLat, minLon, maxLat, maxLon), (first, last)))
            landing["extent"] = StacDocuments.Extent(minLat, minLon, maxLat, maxLon, first, last);
        var search = StacLinks.Link("search", links.Search, StacLinks.GeoJson, "Search photos");
        search["method"] = "GET";
        var searchPost = StacLinks.Link("search", links.Search, StacLinks.GeoJson, "Search photos (POST)");
        searchPost["method"] = "POST";
        landing["links"] = new JsonArray
        {
            StacLinks.Link("self", links.Root, StacLinks.Json),
            StacLinks.Link("root", links.Root, StacLinks.Json),
            StacLinks.Link("data", links.Collections, StacLinks.Json, "Sequences"),
            StacLinks.Link("conformance", links.Root + "/conformance", StacLinks.Json),
            StacLinks.Link("service-desc", links.Origin + "/openapi/" + StacApi.OpenApiName + ".json", OpenApi.V2Document.MediaType),
            search,
            searchPost,
            StacLinks.Link(QueryablesRel, links.Root + "/queryables", "application/schema+json", "Queryables"),
            StacLinks.Template("xyz", links.Root + "/map/{z}/{x}/{y}.mvt", StacLinks.VectorTile, "Photos and sequences as vector tiles"),
            StacLinks.Link("xyz-style", links.Root + "/map/style.json", StacLinks.Json, "MapLibre style of the vector tiles"),
            StacLinks.Template("user-xyz", links.Root + "/users/{userId}/map/{z}/{x}/{y}.mvt", StacLinks.VectorTile, "One user's vector tiles"),
            StacLinks.Template("user-xyz-style", links.Root + "/users/{userId}/map/style.json", StacLinks.Json, "One user's MapLibre style"),
            StacLinks.Link("user-search", links.Root + "/users/search", StacLinks.Json, "Find users by name"),
            StacLinks.Template("collection-preview", links.Root + "/collections/{id}/thumb.jpg", StacLinks.Jpeg, "A sequence's thumbnail"),
            StacLinks.Template("item-preview", links.Root + "/pictures/{id}/thumb.jpg", StacLinks.Jpeg, "A photo's thumbnail"),
            StacLinks.Link("report", links.Root + "/reports", StacLinks.Json, "Report a problem with a photo"),
            StacLinks.Link("users", links.Root + "/users", StacLinks.Json, "Users"),
        };
        return StacResults.Json(landing);
    }

    public static IResult GetConformance() =>
        StacResults.Json(new JsonObject { ["conformsTo"] = new JsonArray([.. ConformanceClasses.Select(c => (JsonNode)c)]) });

    public static IResult GetQueryables(HttpRequest request) => Queryables(new StacLinks(request).Root + "/queryables");

    /// <summary>The queryables (JSON Schema) under <paramref name="id"/>: the same fields for the whole API and for each collection.</summary>
    public static IResult Queryables(string id)
    {
        var properties = new JsonObject();
        foreach (var (name, type, title) in Cql2.Queryables)
            properties[name] = type == "datetime"
                ? new JsonObject { ["title"] = title, ["type"] = "string", ["format"] = "date-time" }
                : new JsonObject { ["title"] = title, ["type"] = type };
        return StacResults.Json(new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2019-09/schema",
            ["$id"] = id,
            ["type"] = "object",
            ["title"] = "Queryables of Sightline photos",
            ["properties"] = properties,
            ["additionalProperties"] = false,
        }, "application/schema+json");
    }

    public static IResult GetConfiguration(IOptions<StacOptions> options) => StacResults.Json(new JsonObject
    {
        ["name"] = new JsonObject { ["label"] = options.Value.Title },
        ["auth"] = new JsonObject { ["enabled"] = false },
        ["license"] = new JsonObject { ["id"] = options.Value.License, ["url"] = options.Value.LicenseUrl },
    });
}
