using Sightline.Images;
using Sightline.Sequences;

namespace Sightline.Search;

/// <summary>
/// Sequence searches: a sequence matches when one of its images matches the filters. Matching is done
/// on the index; the page's sequences are then read whole from the database.
/// </summary>
public sealed class SequenceSearch(ImageSearch images, ISequenceStore sequences, IImageStore imageStore)
{
    public sealed record Result(IReadOnlyList<Sequence> Sequences, bool More);

    /// <summary>Newest first by the sequence's capture time (its earliest image, spec §5 item 48), then key.</summary>
    public async Task<Result> NewestAsync(BoxSearch search)
    {
        var ids = images.SequencesMatching(search.Filter);
        if (ids.Count == 0)
            return new Result([], false);
        var candidates = (await sequences.CandidatesAsync(ids)).ToList();
        if (PageDepth.TooDeep(search.Offset, search.MaxOffset))
        {
            PageDepth.PastTheEnd(candidates.Count, search.Offset, search.MaxOffset); // refuses when sequences remain that deep
            return new Result([], false);
        }
        candidates.Sort((a, b) => a.CapturedAt != b.CapturedAt ? b.CapturedAt.CompareTo(a.CapturedAt) : string.CompareOrdinal(a.Key, b.Key));

        var page = new List<Sequence>();
        foreach (var candidate in candidates.Skip(search.Offset).Take(search.Limit))
        {
            var members = await imageStore.InSequenceAsync(candidate.Id);
            if (members.Count > 0)
                page.Add(new Sequence(candidate.Id, candidate.Key, candidate.UserId, members));
        }
        return new Result(page, candidates.Count > search.Offset + search.Limit);
    }
}
