using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Search;
using Sightline.Search.Index;
using Sightline.Sequences;
using Sightline.Storage;

namespace Sightline.Navigation;

/// <summary>
/// <c>/v2/nav</c>: the two undocumented calls mapillary-js 1.x builds its navigation graph from (<c>APINav.im</c> and
/// <c>APINav.h</c>). The viewer asks for the cell of the photo it opens, then for the neighbouring cells, and reads
/// <c>hs[0]</c> (the cell), <c>ims</c> (the photos in it) and <c>ss</c> (their sequences with ordered keys).
/// </summary>
public static class NavApi
{
    /// <summary>The precision mapillary-js 1.x asks for; longer or shorter hashes are refused (a short one is a huge cell).</summary>
    public const int Precision = 7;

    public static RouteGroupBuilder MapNav(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/nav").RequireClient().WithTags("Navigation");
        group.MapGet("/im/{key}", CellOfImage)
            .WithName("NavigationCellOfImage")
            .WithSummary("The geohash cell around an image (mapillary-js 1.x)")
            .WithDescription("Undocumented in the original, called by mapillary-js 1.x when it opens a photo: hs (the photo's " +
                             $"{Precision}-character geohash), ims (the images in that cell: key, user, captured_at, lat, lon, ca, " +
                             "orientation, width, height) and ss (the sequences of those images with their ordered keys). Filters as in /v2/search/im.");
        group.MapGet("/h/{geohash}", Cell)
            .WithName("NavigationCell")
            .WithSummary("The images of a geohash cell (mapillary-js 1.x)")
            .WithDescription($"As /v2/nav/im/{{key}} for the cell a {Precision}-character geohash names; an empty cell has no ims and no ss.");
        return group;
    }

    public static async Task<Ok<NavDtos.Cell>> CellOfImage(
        string key, HttpRequest request, Caller caller, SearchParameters parameters, ImageSearch search, IImageStore images, ISequenceStore sequences)
    {
        if (!RandomKey.IsKeyShaped(key))
            throw ApiException.Invalid("key", "must be an image key of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
        var filter = (await parameters.BoxAsync(request.Query, caller, paged: false)).Filter;
        var image = await Viewer.Of(caller).FindOrRefuseAsync(v => images.FindVisibleAsync(key, v), $"Image '{key}'");
        return TypedResults.Ok(await CellAsync(Geohash.Encode(image.Lat, image.Lon, Precision), filter, caller, search, sequences));
    }

    public static async Task<Ok<NavDtos.Cell>> Cell(string geohash, HttpRequest request, Caller caller, SearchParameters parameters,
        ImageSearch search, ISequenceStore sequences)
    {
        if (geohash.Length != Precision || !Geohash.IsValid(geohash))
            throw ApiException.Invalid("geohash", $"must be a geohash of {Precision} characters of 0-9 and b-z without a, i, l and o");
        var filter = (await parameters.BoxAsync(request.Query, caller, paged: false)).Filter;
        return TypedResults.Ok(await CellAsync(geohash, filter, caller, search, sequences));
    }

    private static async Task<NavDtos.Cell> CellAsync(string geohash, ImageFilter filter, Caller caller, ImageSearch search, ISequenceStore sequences)
    {
        // The index finds the images in the cell; their sequences come whole from the store, in order, as the viewer
        // needs every key of a sequence to step along it, and the images' sizes come with them.
        var inCell = new HashSet<string>(StringComparer.Ordinal);
        var sequenceIds = new HashSet<int>();
        var visitor = new CellMembers(inCell, sequenceIds);
        search.Index.Current().Scan(filter with { Areas = [Geohash.Bounds(geohash)] }, ref visitor);

        var ims = new List<NavDtos.Image>();
        var ss = new List<NavDtos.Sequence>();
        var viewer = Viewer.Of(caller);
        foreach (var sequenceKey in sequenceIds.Select(search.Index.SequenceKey).OfType<string>().Order(StringComparer.Ordinal))
        {
            if (await sequences.FindVisibleAsync(sequenceKey, viewer) is not { } sequence)
                continue; // changed since the index was read
            ss.Add(new NavDtos.Sequence(sequence.Key, sequence.Images.Select(i => i.Key).ToList()));
            ims.AddRange(sequence.Images.Where(i => inCell.Contains(i.Key)).Select(NavDtos.ToImage));
        }
        return new NavDtos.Cell([geohash], ims, ss);
    }

    private readonly struct CellMembers(HashSet<string> keys, HashSet<int> sequenceIds) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image)
        {
            // Every image of the index is processed, so it has its sequence; the viewer needs one for each image it is given.
            if (image.SequenceId == 0)
                return;
            keys.Add(image.Key);
            sequenceIds.Add(image.SequenceId);
        }
    }
}
