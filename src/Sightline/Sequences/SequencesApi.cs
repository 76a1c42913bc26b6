using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Storage;

namespace Sightline.Sequences;

/// <summary><c>/v2/s</c>: one sequence (spec §3.2).</summary>
public static class SequencesApi
{
    public static RouteGroupBuilder MapSequences(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/s").RequireClient().WithTags("Sequences");
        group.MapGet("/{key}", GetSequence)
            .WithName("GetSequence")
            .WithSummary("One sequence")
            .WithDescription("The sequence's image keys, coords ([lon,lat]) and cas in capture order, its earliest captured_at and its boundary.");
        group.MapGet("/{key}/geojson", GetSequenceGeoJson)
            .WithName("GetSequenceGeoJson")
            .WithSummary("One sequence as GeoJSON")
            .WithDescription("A FeatureCollection (more: false) with one LineString feature carrying its bbox and the sequence's fields.");
        return group;
    }

    public static async Task<Ok<SequenceDtos.Summary>> GetSequence(string key, Caller caller, ISequenceStore sequences) =>
        TypedResults.Ok(SequenceDtos.ToSummary(await FindAsync(key, Viewer.Of(caller), sequences)));

    public static async Task<Ok<SequenceDtos.FeatureCollection>> GetSequenceGeoJson(string key, Caller caller, ISequenceStore sequences) =>
        TypedResults.Ok(SequenceDtos.ToGeoJson(await FindAsync(key, Viewer.Of(caller), sequences)));

    private static async Task<Sequence> FindAsync(string key, Viewer viewer, ISequenceStore sequences)
    {
        if (!RandomKey.IsKeyShaped(key))
            throw ApiException.Invalid("key", "must be a sequence key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
        return await viewer.FindOrRefuseAsync(v => sequences.FindVisibleAsync(key, v), $"Sequence '{key}'");
    }
}
