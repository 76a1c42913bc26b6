using System.Text.Json.Nodes;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Search.Index;

namespace Sightline.Stac;

/// <summary><c>GET</c> and <c>POST /api/search</c>: STAC API Item Search over the in-memory index.</summary>
public static class SearchApi
{
    /// <summary>At most this many results get prev/next links (a search by ids, as the Panoramax viewer makes).</summary>
    private const int NeighbourLinksUpTo = 10;

    public static void MapStacSearch(this RouteGroupBuilder api)
    {
        const string parameters = "bbox (west,south,east,north), intersects (GeoJSON Point or Polygon), datetime (instant or start/end, .. open), " +
            "ids, collections, limit, token (from a next link), sortby (+/-datetime, +/-id), filter with filter-lang cql2-text or cql2-json over " +
            "/api/queryables, place_position (lon,lat) with place_distance (min-max metres, default 3-15) and place_fov_tolerance (degrees, default 30).";
        api.MapGet("/search", SearchGet)
            .WithName("StacSearch")
            .WithSummary("Search photos (STAC Item Search)")
            .WithDescription(parameters);
        api.MapPost("/search", SearchPost)
            .WithName("StacSearchPost")
            .WithSummary("Search photos with a JSON body (STAC Item Search)")
            .WithDescription("The same fields as GET, in a JSON body: arrays for bbox, ids and collections, an object for intersects and a CQL2-JSON filter.");
    }

    public static async Task<IResult> SearchGet(HttpRequest request, ItemQueryReader reader, ItemSearch search, StacDocuments documents, StacNeighbours neighbours)
    {
        var fields = ItemQueryReader.FromQuery(request.Query);
        var query = reader.Read(fields);
        var page = search.Run(query);
        var links = new StacLinks(request);
        var body = await FeatureCollectionAsync(page, query, links, documents, neighbours, search.Index);
        if (page.More)
        {
            var next = new Dictionary<string, string>(fields) { ["token"] = ItemQueryReader.TokenFor(query.Offset + query.Limit) };
            body["links"]!.AsArray().Add(StacLinks.Link("next", links.Search + QueryString(next), StacLinks.GeoJson));
        }
        return StacResults.GeoJson(body);
    }

    public static async Task<IResult> SearchPost(HttpRequest request, ItemQueryReader reader, ItemSearch search, StacDocuments documents, StacNeighbours neighbours,
        CancellationToken cancellation)
    {
        var json = await RequestBody.JsonObjectAsync(request, cancellation);
        var query = reader.Read(ItemQueryReader.FromBody(json));
        var page = search.Run(query);
        var links = new StacLinks(request);
        var body = await FeatureCollectionAsync(page, query, links, documents, neighbours, search.Index);
        if (page.More)
        {
            var next = JsonNode.Parse(json.GetRawText())!.AsObject();
            next["token"] = ItemQueryReader.TokenFor(query.Offset + query.Limit);
            var link = StacLinks.Link("next", links.Search, StacLinks.GeoJson);
            link["method"] = "POST";
            link["body"] = next;
            link["merge"] = false;
            body["links"]!.AsArray().Add(link);
        }
        return StacResults.GeoJson(body);
    }

    private static async Task<JsonObject> FeatureCollectionAsync(ItemSearch.Page page, ItemQuery query, StacLinks links, StacDocuments documents,
        StacNeighbours neighbours, ImageIndex index)
    {
        var features = new JsonArray();
        foreach (var image in page.Images)
        {
            var source = await neighbours.SourceAsync(image);
            var around = query.Ids is not null && page.Images.Count <= NeighbourLinksUpTo && source.SequenceKey is { } sequenceKey
                ? await neighbours.AroundAsync(image.Key, sequenceKey, Images.Viewer.Anonymous)
                : null;
            features.Add(documents.Item(source, links, around));
        }
        return new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["features"] = features,
            ["numberReturned"] = page.Images.Count,
            ["context"] = new JsonObject { ["returned"] = page.Images.Count, ["limit"] = query.Limit },
            ["links"] = new JsonArray
            {
                StacLinks.Link("self", links.Self, StacLinks.GeoJson),
                StacLinks.Link("root", links.Root, StacLinks.Json),
            },
        };
    }

    public static string QueryString(IReadOnlyDictionary<string, string> fields) =>
        Microsoft.AspNetCore.Http.QueryString.Create(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value))).Value ?? "";
}
