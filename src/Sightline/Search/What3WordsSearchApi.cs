using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Search.Index;
using Sightline.Search.What3Words;

namespace Sightline.Search;

/// <summary><c>GET /v2/search/im/w3w</c>: the public images inside a what3words square (spec §3.7, §5 item 43).</summary>
public static class What3WordsSearchApi
{
    public const int MaxLength = 120;

    public sealed record Image(string Key, double Lon, double Lat);

    public sealed record ImageList(IReadOnlyList<Image> Ims);

    public static RouteGroupBuilder MapWhat3WordsSearch(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/search/im/w3w").RequireClient().WithTags("Search");
        group.MapGet("", SearchSquare)
            .WithName("SearchImagesWhat3Words")
            .WithSummary("Images in a what3words square")
            .WithDescription("string: a what3words address, three words joined by dots (a leading /// is allowed). The public images " +
                "inside its 3 m square, newest first, each with key, lon and lat; there is no paging. The address is resolved by the " +
                "what3words service when the server has an API key (What3Words:ApiKey); without one, and for an address the " +
                "service does not know, not_found.");
        return group;
    }

    public static async Task<Ok<ImageList>> SearchSquare([FromQuery(Name = "string")] string? words, ImageSearch search,
        IOptions<SearchOptions> limits, [FromServices] IWhat3WordsResolver? resolver, CancellationToken cancellation)
    {
        var address = Address(words);
        if (resolver is null)
            throw new ApiException(ErrorCode.NotFound, "what3words addresses are not resolved on this server (no What3Words:ApiKey is configured).");
        var square = await resolver.SquareAsync(address, cancellation)
            ?? throw new ApiException(ErrorCode.NotFound, $"The what3words address '{address}' was not found.");
        var page = search.Newest(new BoxSearch(new ImageFilter { Areas = [square] }, 0, limits.Value.MaxLimit));
        return TypedResults.Ok(new ImageList(page.Hits.Select(hit => new Image(hit.Image.Key, hit.Image.Lon, hit.Image.Lat)).ToList()));
    }

    /// <summary>
    /// Three words joined by dots, as what3words writes them: each word letters (any script, with their combining marks),
    /// the separators what3words accepts for some scripts read as dots, and a leading "///" dropped. Lower case.
    /// </summary>
    public static string Address(string? raw)
    {
        var text = Parameters.RequiredText("string", raw?.Trim(), MaxLength).TrimStart('/');
        var words = text.Split(['.', '｡', '。', '･', '・', '︒', '։', '۔', '।'], StringSplitOptions.None);
        if (words.Length != 3 || words.Any(w => w.Length == 0 || !w.All(IsWordCharacter)))
            throw ApiException.Invalid("string", "must be a what3words address: three words joined by dots, e.g. index.home.raft");
        return string.Join('.', words).ToLower(CultureInfo.InvariantCulture);
    }

    private static bool IsWordCharacter(char c) =>
        char.IsLetter(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
}
