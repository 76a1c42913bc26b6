using Sightline.Contract;
using Sightline.Search.Index;

namespace Sightline.Search;

/// <summary>
/// Pages that start deeper than <c>Search:MaxOffset</c>. Sorting that deep is refused (narrow the search instead), but a
/// page past the last result is an ordinary empty page with <c>more: false</c> (spec §1.5), however large its number:
/// such a search only counts its matches.
/// </summary>
public static class PageDepth
{
    public static bool TooDeep(int offset, int maxOffset) => offset > maxOffset;

    /// <summary>The empty last page when <paramref name="matches"/> all lie before <paramref name="offset"/>, else the refusal.</summary>
    public static SearchPage PastTheEnd(long matches, int offset, int maxOffset) =>
        matches <= offset
            ? new SearchPage(Array.Empty<Hit>(), More: false)
            : throw ApiException.Invalid("page", $"times limit must be at most {maxOffset} while results remain that deep: narrow the search instead of paging deeper");
}
