using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Sequences;

using Sightline.Places;

namespace Sightline.Search;

/// <summary><c>/v2/search/s</c>: sequences with an image matching the box filters (spec §3.7).</summary>
public static class SequenceSearchApi
{
    public static RouteGroupBuilder MapSequenceSearch(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/search/s").RequireClient().WithTags("Search");
        group.MapGet("", SearchSequences)
            .WithName("SearchSequences")
            .WithSummary("Sequences in a box")
            .WithDescription("Sequences with at least one image matching the filters of /v2/search/im; newest (earliest image) first, then key.");
        group.MapGet("/geojson", SearchSequencesGeoJson)
            .WithName("SearchSequencesGeoJson")
            .WithSummary("Sequences in a box as GeoJSON")
            .WithDescription("The same search as LineString features shaped as in /v2/s/{key}/geojson, with a top-level more.");
        group.MapGet("/ul", SearchSequencesCompact)
            .WithName("SearchSequencesCompact")
            .WithSummary("Sequences in a box, compact")
            .WithDescription("The same search with captured_at, key, mkey (the first image), location, starred, user and views.");
        return group;
    }

    public sealed record SequenceList(bool More, IReadOnlyList<SequenceDtos.Summary> Ss);

    public sealed record CompactSequence(long CapturedAt, string Key, string Mkey, string? Location, bool Starred, string? User, long Views);

    public sealed record CompactList(bool More, IReadOnlyList<CompactSequence> Ss);

    public static async Task<Ok<SequenceList>> SearchSequences(HttpRequest request, Caller caller, SearchParameters parameters, SequenceSearch search)
    {
        var result = await search.NewestAsync(await parameters.BoxAsync(request.Query, caller));
        return TypedResults.Ok(new SequenceList(result.More, result.Sequences.Select(SequenceDtos.ToSummary).ToList()));
    }

    public static async Task<Ok<SequenceDtos.FeatureCollection>> SearchSequencesGeoJson(HttpRequest request, Caller caller, SearchParameters parameters, SequenceSearch search)
    {
        var result = await search.NewestAsync(await parameters.BoxAsync(request.Query, caller));
        var features = result.Sequences.SelectMany(s => SequenceDtos.ToGeoJson(s).Features).ToList();
        return TypedResults.Ok(new SequenceDtos.FeatureCollection("FeatureCollection", result.More, features));
    }

    public static async Task<Ok<CompactList>> SearchSequencesCompact(HttpRequest request, Caller caller, SearchParameters parameters, SequenceSearch search)
    {
        var result = await search.NewestAsync(await parameters.BoxAsync(request.Query, caller));
        // Stars, views and place names are not kept by this server yet: false, 0 and null (spec §5 item 48).
        return TypedResults.Ok(new CompactList(result.More, result.Sequences.Select(s =>
            new CompactSequence(s.CapturedAt, s.Key, s.Photos[0].Key, Gazetteer.Shared.LocationOf(s.Photos[0].Lat, s.Photos[0].Lon), false, s.Username, 0)).ToList()));
    }
}
