using Microsoft.Extensions.Options;
using Sightline.Images;
using Sightline.Search.Index;
using Sightline.Sequences;

namespace Sightline.Stac;

/// <summary>
/// An item's surroundings: its place in the sequence (prev, next) from the database, as the sequence's viewer may see it,
/// and photos of other sequences nearby (related) from the public index.
/// </summary>
public sealed class StacNeighbours(ISequenceStore sequences, ImageIndex index, StacUsers users, IOptions<StacOptions> options)
{
    private const int MaxRelated = 8;

    public async Task<ItemSource> SourceAsync(IndexedImage image) =>
        new(image.Key, index.SequenceKey(image.SequenceId), image.Lat, image.Lon, image.StoredCompassAngle, image.CapturedAt,
            index.Username(image.UserId), await users.UuidAsync(image.UserId));

    /// <summary>The visible sequence and the position of the image in it; null when either is not visible.</summary>
    public async Task<(Sequence Sequence, int Position)?> LocateAsync(string sequenceKey, string imageKey, Viewer viewer)
    {
        var sequence = await sequences.FindVisibleAsync(sequenceKey, viewer);
        if (sequence is null)
            return null;
        for (var i = 0; i < sequence.Images.Count; i++)
            if (sequence.Images[i].Key == imageKey)
                return (sequence, i);
        return null;
    }

    public async Task<IReadOnlyList<Neighbour>?> AroundAsync(string imageKey, string sequenceKey, Viewer viewer) =>
        await LocateAsync(sequenceKey, imageKey, viewer) is var (sequence, position) ? Around(sequence, position) : null;

    public IReadOnlyList<Neighbour> Around(Sequence sequence, int position)
    {
        var result = new List<Neighbour>();
        var image = sequence.Images[position];
        if (position > 0)
            result.Add(Of("prev", sequence.Images[position - 1], sequence.Key));
        if (position + 1 < sequence.Images.Count)
            result.Add(Of("next", sequence.Images[position + 1], sequence.Key));
        result.AddRange(Related(image, sequence.Id));
        return result;
    }

    private static Neighbour Of(string rel, Image image, string sequenceKey) =>
        new(rel, image.Key, sequenceKey, image.Lat, image.Lon, image.CapturedAt);

    // The nearest public photo of each other sequence within reach.
    private IEnumerable<Neighbour> Related(Image image, long sequenceId)
    {
        var reach = options.Value.RelatedMeters;
        if (reach <= 0)
            return [];
        var visitor = new Nearby(image.Lat, image.Lon, reach, (int)sequenceId, new Dictionary<int, (IndexedImage, double)>());
        index.Current().Scan(new ImageFilter { Areas = GeoBox.AroundPoint(image.Lat, image.Lon, reach) }, ref visitor);
        return visitor.Nearest.Values.OrderBy(n => n.Item2).Take(MaxRelated)
            .Select(n => (n.Item1, Key: index.SequenceKey(n.Item1.SequenceId)))
            .Where(n => n.Key is not null)
            .Select(n => new Neighbour("related", n.Item1.Key, n.Key!, n.Item1.Lat, n.Item1.Lon, n.Item1.CapturedAt))
            .ToList();
    }

    private readonly struct Nearby(double lat, double lon, double reach, int ownSequence, Dictionary<int, (IndexedImage, double)> nearest)
        : IndexState.IMatchVisitor
    {
        public Dictionary<int, (IndexedImage, double)> Nearest => nearest;

        public void Visit(in IndexedImage image)
        {
            if (image.SequenceId == 0 || image.SequenceId == ownSequence)
                return;
            var distance = Geodesy.DistanceMeters(lat, lon, image.Lat, image.Lon);
            if (distance <= reach && (!nearest.TryGetValue(image.SequenceId, out var best) || distance < best.Item2))
                nearest[image.SequenceId] = (image, distance);
        }
    }
}
