using System.Text.Json;
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
        const string parameters = "bbox (west,south,east,north), intersects (any GeoJSON geometry), datetime (instant or start/end, .. open), " +
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
        var items = await ItemsAsync(page, query, neighbours);
        string? next = page.More
            ? links.Search + QueryString(new Dictionary<string, string>(fields) { ["token"] = ItemQueryReader.TokenFor(query.Offset + query.Limit) })
            : null;
        return StacResults.GeoJson(w => WriteFeatureCollection(w, items, query, links, documents, () =>
        {
            if (next is not null)
                StacDocuments.WriteLink(w, "next", next, StacLinks.GeoJson);
        }));
    }

    public static async Task<IResult> SearchPost(HttpRequest request, ItemQueryReader reader, ItemSearch search, StacDocuments documents, StacNeighbours neighbours,
        CancellationToken cancellation)
    {
        var json = await RequestBody.JsonObjectAsync(request, cancellation);
        var query = reader.Read(ItemQueryReader.FromBody(json));
        var page = search.Run(query);
        var links = new StacLinks(request);
        var items = await ItemsAsync(page, query, neighbours);
        var token = ItemQueryReader.TokenFor(query.Offset + query.Limit);
        return StacResults.GeoJson(w => WriteFeatureCollection(w, items, query, links, documents, () =>
        {
            if (!page.More)
                return;
            // STAC's POST paging: the same body with the next token, sent again as it is (merge false).
            w.WriteStartObject();
            w.WriteString("rel"u8, "next"u8);
            w.WriteString("href"u8, links.Search);
            w.WriteString("type"u8, StacLinks.GeoJson);
            w.WriteString("method"u8, "POST"u8);
            w.WriteStartObject("body"u8);
            foreach (var field in json.EnumerateObject())
                if (field.Name != "token")
                    field.WriteTo(w);
            w.WriteString("token"u8, token);
            w.WriteEndObject();
            w.WriteBoolean("merge"u8, false);
            w.WriteEndObject();
        }));
    }

    // The async part (user uuids; for a search by ids, the whole photo and its neighbours from the database, as the
    // Panoramax viewer asks for one photo at a time), done before anything is written.
    private static async Task<List<(ItemSource Source, IReadOnlyList<Neighbour>? Around)>> ItemsAsync(ItemSearch.Page page, ItemQuery query,
        StacNeighbours neighbours)
    {
        var items = new List<(ItemSource, IReadOnlyList<Neighbour>?)>(page.Images.Count);
        var detailed = query.Ids is not null && page.Images.Count <= NeighbourLinksUpTo;
        foreach (var image in page.Images)
        {
            var source = await neighbours.SourceAsync(image);
            if (detailed && source.SequenceKey is { } sequenceKey
                && await neighbours.LocateAsync(sequenceKey, image.Key, Images.Viewer.Anonymous) is var (sequence, position))
            {
                items.Add((ItemSource.Of(sequence.Images[position], source.UserUuid, Images.Viewer.Anonymous), neighbours.Around(sequence, position)));
                continue;
            }
            items.Add((source, null));
        }
        return items;
    }

    private static void WriteFeatureCollection(Utf8JsonWriter w, List<(ItemSource Source, IReadOnlyList<Neighbour>? Around)> items, ItemQuery query,
        StacLinks links, StacDocuments documents, Action writeNextLink)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "FeatureCollection"u8);
        w.WriteStartArray("features"u8);
        foreach (var (source, around) in items)
            documents.WriteItem(w, source, links, around);
        w.WriteEndArray();
        w.WriteNumber("numberReturned"u8, items.Count);
        w.WriteStartObject("context"u8);
        w.WriteNumber("returned"u8, items.Count);
        w.WriteNumber("limit"u8, query.Limit);
        w.WriteEndObject();
        w.WriteStartArray("links"u8);
        StacDocuments.WriteLink(w, "self", links.Self, StacLinks.GeoJson);
        StacDocuments.WriteLink(w, "root", links.Root, StacLinks.Json);
        writeNextLink();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static string QueryString(IReadOnlyDictionary<string, string> fields) =>
        Microsoft.AspNetCore.Http.QueryString.Create(fields.Select(f => new KeyValuePair<string, string?>(f.Key, f.Value))).Value ?? "";
}
