using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Search.Index;
using Sightline.Sequences;
using Sightline.Storage;

namespace Sightline.Stac;

/// <summary>
/// <c>/api/collections</c>: sequences as STAC Collections and their photos as Items (OGC API Features), plus the preview
/// thumbnails the Panoramax viewer asks for.
/// </summary>
public static class CollectionsApi
{
    public const int MaxCollectionsPage = 1000;

    public static void MapStacCollections(this RouteGroupBuilder api)
    {
        api.MapGet("/collections", ListCollections)
            .WithName("StacCollections")
            .WithSummary("Public sequences as STAC Collections")
            .WithDescription("Newest first; limit (default 100, at most 1000), bbox (west,south,east,north), datetime (instant or start/end), token from a next link.");
        api.MapGet("/collections/{id}", GetCollection)
            .WithName("StacCollection")
            .WithSummary("A sequence as a STAC Collection");
        api.MapGet("/collections/{id}/items", ListItems)
            .WithName("StacCollectionItems")
            .WithSummary("A sequence's photos in capture order (GeoJSON FeatureCollection of STAC Items)")
            .WithDescription("bbox, intersects, datetime and filter (with filter-lang) as in /api/search; limit (default 10, at most 10000), token from a next link.");
        api.MapGet("/collections/{id}/queryables", GetQueryables)
            .WithName("StacCollectionQueryables")
            .WithSummary("The fields a CQL2 filter on the sequence's items may use (JSON Schema; those of /api/queryables)");
        api.MapGet("/collections/{id}/items/{itemId}", GetItem)
            .WithName("StacItem")
            .WithSummary("A photo as a STAC Item, with prev/next links in its sequence and related photos nearby");
        api.MapGet("/collections/{id}/thumb.jpg", GetCollectionThumbnail)
            .WithName("StacCollectionPreview")
            .WithSummary("The thumbnail of a sequence's first photo");
        api.MapGet("/pictures/{id}/thumb.jpg", GetItemThumbnail)
            .WithName("StacItemPreview")
            .WithSummary("The thumbnail of a photo");
        api.MapGet("/pictures/{id}/original.jpg", GetItemOriginal)
            .WithName("StacItemOriginal")
            .WithSummary("A photo's original file")
            .WithDescription("The file as uploaded, with its EXIF and without blurs: only for the photo's uploader and moderators (a bearer token), " +
                             "404 for everyone else; items carry it as the asset 'original' for those who may read it.");
    }

    public static async Task<IResult> ListCollections(HttpRequest request, SequenceCatalogue catalogue, StacDocuments documents, StacUsers users, ImageIndex index)
    {
        var fields = ItemQueryReader.FromQuery(request.Query);
        var limit = Parameters.Limit(request.Query["limit"], MaxCollectionsPage, 100);
        var offset = Offset(request.Query["token"]);
        IEnumerable<SequenceSummary> matching = catalogue.Newest;
        if (fields.TryGetValue("bbox", out var bbox))
        {
            var areas = ItemQueryReader.Box(bbox);
            matching = matching.Where(s => areas.Any(s.Intersects));
        }
        if (fields.TryGetValue("datetime", out var datetime))
        {
            var (from, to) = ItemQueryReader.Interval(datetime);
            matching = matching.Where(s => (from is not { } f || s.LastCapture >= f) && (to is not { } t || s.FirstCapture <= t));
        }
        var page = matching.Skip(offset).Take(limit + 1).ToList();
        var links = new StacLinks(request);
        var collections = new JsonArray();
        foreach (var sequence in page.Take(limit))
            collections.Add(documents.Collection(sequence, index.Username(sequence.UserId), await users.UuidAsync(sequence.UserId), links));
        var linkList = new JsonArray
        {
            StacLinks.Link("self", links.Self, StacLinks.Json),
            StacLinks.Link("root", links.Root, StacLinks.Json),
            StacLinks.Link("parent", links.Root, StacLinks.Json),
        };
        var query = request.Query.Where(q => q.Key != "token").ToDictionary(q => q.Key, q => q.Value.ToString());
        if (page.Count > limit)
            linkList.Add(StacLinks.Link("next", links.Collections + SearchApi.QueryString(new Dictionary<string, string>(query) { ["token"] = ItemQueryReader.TokenFor(offset + limit) }), StacLinks.Json));
        if (offset > 0)
            linkList.Add(StacLinks.Link("prev", links.Collections + SearchApi.QueryString(new Dictionary<string, string>(query) { ["token"] = ItemQueryReader.TokenFor(Math.Max(0, offset - limit)) }), StacLinks.Json));
        return StacResults.Json(new JsonObject { ["collections"] = collections, ["links"] = linkList });
    }

    public static async Task<IResult> GetCollection(string id, HttpRequest request, Caller caller, ISequenceStore sequences, StacDocuments documents, StacUsers users)
    {
        var sequence = await FindSequenceAsync(id, caller, sequences);
        var username = sequence.Images[0].Username;
        return StacResults.Json(documents.Collection(Summary(sequence), username, await users.UuidAsync(sequence.UserId), new StacLinks(request)));
    }

    /// <summary>The item search fields a collection's items answer to (OGC API Features: bbox, datetime, limit; Part 3: filter).</summary>
    private static readonly string[] ItemFields = ["bbox", "intersects", "datetime", "filter", "filter-lang", "limit", "token"];

    public static async Task<IResult> ListItems(string id, HttpRequest request, Caller caller, ISequenceStore sequences, StacDocuments documents,
        StacUsers users, ItemQueryReader reader, ItemSearch search)
    {
        var sequence = await FindSequenceAsync(id, caller, sequences);
        var fields = ItemQueryReader.FromQuery(request.Query).Where(f => ItemFields.Contains(f.Key)).ToDictionary();
        var query = reader.Read(fields);
        var matching = Matching(sequence, query, search.Index);
        var (limit, offset) = (query.Limit, query.Offset);
        var links = new StacLinks(request);
        var uuid = await users.UuidAsync(sequence.UserId);
        var viewer = Viewer.Of(caller);
        var end = Math.Min(matching.Count, offset + limit);
        string Page(int at) => links.Items(sequence.Key) + SearchApi.QueryString(new Dictionary<string, string>(fields) { ["limit"] = limit.ToString(CultureInfo.InvariantCulture), ["token"] = ItemQueryReader.TokenFor(at) });
        return StacResults.GeoJson(w =>
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "FeatureCollection"u8);
            w.WriteStartArray("features"u8);
            for (var n = offset; n < end; n++)
            {
                // Neighbours are the photos before and after in the sequence, whatever the filter keeps.
                var i = matching[n];
                var image = sequence.Images[i];
                var neighbours = new List<Neighbour>(2);
                if (i > 0)
                    neighbours.Add(Neighbour("prev", sequence.Images[i - 1], sequence.Key));
                if (i + 1 < sequence.Images.Count)
                    neighbours.Add(Neighbour("next", sequence.Images[i + 1], sequence.Key));
                documents.WriteItem(w, ItemSource.Of(image, uuid, viewer), links, neighbours);
            }
            w.WriteEndArray();
            w.WriteNumber("numberMatched"u8, matching.Count);
            w.WriteNumber("numberReturned"u8, Math.Max(0, end - offset));
            w.WriteStartArray("links"u8);
            StacDocuments.WriteLink(w, "self", links.Self, StacLinks.GeoJson);
            StacDocuments.WriteLink(w, "root", links.Root, StacLinks.Json);
            StacDocuments.WriteLink(w, "collection", links.Collection(sequence.Key), StacLinks.Json);
            if (end < matching.Count)
                StacDocuments.WriteLink(w, "next", Page(end), StacLinks.GeoJson);
            if (offset > 0)
                StacDocuments.WriteLink(w, "prev", Page(Math.Max(0, offset - limit)), StacLinks.GeoJson);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The positions in the sequence (capture order) of the photos the query keeps: its box or geometry and time window are
    /// checked here, a CQL2 filter on the index's copy of each photo (a private project's photos are there too).
    /// </summary>
    private static List<int> Matching(Sequence sequence, ItemQuery query, ImageIndex index)
    {
        var kept = new List<int>(sequence.Images.Count);
        for (var i = 0; i < sequence.Images.Count; i++)
        {
            var image = sequence.Images[i];
            if ((query.Areas is { } areas && !areas.Any(box => box.Contains(image.Lat, image.Lon)))
                || (query.Geometry is { } geometry && !geometry.Contains(image.Lon, image.Lat))
                || image.CapturedAt < query.From || image.CapturedAt > query.To)
                continue;
            kept.Add(i);
        }
        if (query.Filter is not { } filter || kept.Count == 0)
            return kept;
        var passing = new HashSet<string>(StringComparer.Ordinal);
        var visitor = new FilterPass(Cql2Predicate.Compile(filter, index), passing);
        index.Current().VisitIds(kept.Select(i => (int)sequence.Images[i].Id), new ImageFilter { ProjectId = (int)(sequence.Images[0].ProjectId ?? 0) }, ref visitor);
        return kept.Where(i => passing.Contains(sequence.Images[i].Key)).ToList();
    }

    private readonly struct FilterPass(Cql2Predicate.Test test, HashSet<string> passing) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image)
        {
            if (test(image))
                passing.Add(image.Key);
        }
    }

    public static async Task<IResult> GetQueryables(string id, HttpRequest request, Caller caller, ISequenceStore sequences)
    {
        var sequence = await FindSequenceAsync(id, caller, sequences);
        return LandingApi.Queryables(new StacLinks(request).Collection(sequence.Key) + "/queryables");
    }

    public static async Task<IResult> GetItem(string id, string itemId, HttpRequest request, Caller caller, StacNeighbours neighbours, StacDocuments documents, StacUsers users)
    {
        Key("id", id);
        Key("itemId", itemId);
        var viewer = Viewer.Of(caller);
        var located = await neighbours.LocateAsync(id, itemId, viewer) ?? throw ApiException.NotFound($"Item '{itemId}' of collection '{id}'");
        var (sequence, position) = located;
        var source = ItemSource.Of(sequence.Images[position], await users.UuidAsync(sequence.UserId), viewer);
        var around = neighbours.Around(sequence, position);
        var links = new StacLinks(request);
        return StacResults.GeoJson(w => documents.WriteItem(w, source, links, around));
    }

    /// <summary>The original file, for the photo's uploader and moderators (<see cref="ItemSource.MayReadOriginal"/>); 404 to everyone else.</summary>
    public static async Task<IResult> GetItemOriginal(string id, Caller caller, HttpResponse response, IImageStore images, IBlobStore blobs,
        CancellationToken cancellation)
    {
        Key("id", id);
        var viewer = Viewer.Of(caller);
        var image = await images.FindVisibleAsync(id, viewer);
        if (image is null || !ItemSource.MayReadOriginal(image, viewer))
            throw ApiException.NotFound($"Original of photo '{id}'");
        var file = await blobs.OpenReadAsync(ImageFiles.OriginalKey(image.ContentHash), cancellation)
            ?? throw ApiException.NotFound($"Original of photo '{id}' (removed by its uploader)");
        // Unblurred: never kept by a shared cache.
        response.Headers.CacheControl = "private, no-store";
        response.ContentLength = file.Length;
        return TypedResults.File(file.Content, StacLinks.Jpeg);
    }

    public static async Task<IResult> GetCollectionThumbnail(string id, Caller caller, HttpResponse response, ISequenceStore sequences, IImageStore images,
        IBlobStore blobs, CancellationToken cancellation)
    {
        var sequence = await FindSequenceAsync(id, caller, sequences);
        return await ThumbnailsApi.GetThumbnail(sequence.Images[0].Key, "320", caller, response, images, blobs, cancellation);
    }

    public static async Task<IResult> GetItemThumbnail(string id, Caller caller, HttpResponse response, IImageStore images, IBlobStore blobs,
        CancellationToken cancellation) =>
        await ThumbnailsApi.GetThumbnail(id, "320", caller, response, images, blobs, cancellation);

    private static async Task<Sequence> FindSequenceAsync(string id, Caller caller, ISequenceStore sequences)
    {
        Key("id", id);
        return await sequences.FindVisibleAsync(id, Viewer.Of(caller)) ?? throw ApiException.NotFound($"Collection '{id}'");
    }

    private static void Key(string name, string value)
    {
        if (!RandomKey.IsKeyShaped(value))
            throw ApiException.Invalid(name, "must be a key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
    }

    private static Neighbour Neighbour(string rel, Image image, string sequenceKey) => new(rel, image.Key, sequenceKey, image.Lat, image.Lon, image.CapturedAt);

    public static SequenceSummary Summary(Sequence sequence) => new(
        (int)sequence.Id, sequence.Key, (int)sequence.UserId, sequence.Images.Count,
        sequence.Images.Min(i => i.Lat), sequence.Images.Min(i => i.Lon), sequence.Images.Max(i => i.Lat), sequence.Images.Max(i => i.Lon),
        sequence.Images.Min(i => i.CapturedAt), sequence.Images.Max(i => i.CapturedAt));

    private static int Offset(string? token)
    {
        if (string.IsNullOrEmpty(token))
            return 0;
        if (token.StartsWith("next:", StringComparison.Ordinal)
            && int.TryParse(token.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            return offset;
        throw ApiException.Invalid("token", "must be a token from a next or prev link of an earlier answer");
    }
}
