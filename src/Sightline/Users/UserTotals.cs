using Sightline.Search;
using Sightline.Search.Index;
using Sightline.Tiles;

namespace Sightline.Users;

/// <summary>
/// A profile's totals read from memory: the user's public and hidden processed images, counted by the search index's
/// tally, and the metres mapped, each of the user's sequences' lines added up (kept with the map's shapes). Every write
/// committed before a call is in them. Reading them through SQL took 5-9 s for a user with 776,000 photos (10M-image
/// archive), on every profile view.
/// </summary>
public sealed class UserTotals(ImageSearch search, SequenceGeometry sequences)
{
    public sealed record Totals(long Images, long Hidden, long DistanceMeters);

    // Per user, two keys: 2u for the public images, 2u + 1 for the public ones hidden by a complaint (spec §5 item 46).
    // Images of projects are not counted: a profile shows public work.
    private readonly IndexTally byUser = new(search.Index, image => image.ProjectId switch
    {
        0 => 2L * image.UserId,
        IndexedImage.HiddenProject => 2L * image.UserId + 1,
        _ => null,
    });

    public Totals For(long userId)
    {
        var (images, hidden) = byUser.Read((_, counts) => (counts.GetValueOrDefault(2 * userId), counts.GetValueOrDefault(2 * userId + 1)));
        return new Totals(images, hidden, sequences.Current().LineMeters((int)userId));
    }
}
