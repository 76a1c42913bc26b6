using Sightline.Search;
using Sightline.Search.Index;

namespace Sightline.Community;

/// <summary>
/// Box searches over the search index restricted to a set of images (those with blurs, comments or matching
/// detections): the index does area, time, user and project, the set says which images qualify.
/// </summary>
public sealed class CommunitySearch(ImageSearch search)
{
    public ImageIndex Index => search.Index;

    /// <summary>Newest first among <paramref name="candidates"/> (image ids), one page of <paramref name="query"/>.</summary>
    public SearchPage NewestAmong(BoxSearch query, IReadOnlySet<int> candidates)
    {
        var tooDeep = PageDepth.TooDeep(query.Offset, query.MaxOffset);
        var top = new TopK(tooDeep ? 0 : query.Offset + query.Limit + 1, HitOrder.NewestFirst);
        if (candidates.Count > 0)
        {
            var visitor = new Among(top, candidates);
            var state = search.Index.Current();
            // Few candidates (the usual: photos with comments or blurs among millions) are looked up one by one; many,
            // against what the search would read, are met on a scan.
            if (candidates.Count * CandidateLookupCost < state.ScanSize(query.Filter))
                state.VisitIds(candidates, query.Filter, ref visitor);
            else
                state.Scan(query.Filter, ref visitor);
        }
        if (tooDeep)
            return PageDepth.PastTheEnd(top.Offered, query.Offset, query.MaxOffset);
        var sorted = top.Sorted();
        return new SearchPage(sorted.Skip(query.Offset).Take(query.Limit).ToList(), sorted.Length > query.Offset + query.Limit);
    }

    // What looking up one candidate costs (at random in memory) against visiting one image in a scan (in storage order).
    private const int CandidateLookupCost = 8;

    private readonly struct Among(TopK top, IReadOnlySet<int> candidates) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image)
        {
            if (candidates.Contains(image.Id))
                top.Offer(new Hit(image, 0));
        }
    }
}
