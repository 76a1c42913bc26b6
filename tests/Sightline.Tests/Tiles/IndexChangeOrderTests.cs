using Microsoft.Extensions.Options;
using Sightline.Search.Index;
using Sightline.Tests.Search;
using Sightline.Tiles;
using static Sightline.Tests.Search.InMemoryIndex;

namespace Sightline.Tests.Tiles;

/// <summary>
/// The tiles' sequences follow the search index through its <see cref="ImageIndex.Changed"/> event. A tile read that
/// finds a new version of the index must also find that version's changes recorded, or it takes the version as applied
/// and the changes, recorded after, are dropped as old: a photo missing from the map until a restart. The interleaving
/// is forced here with an index over in-memory fakes and a handler that runs before the tiles' own.
/// </summary>
public sealed class IndexChangeOrderTests
{
    [Fact]
    public async Task ATileReadBetweenCatchingUpAndItsEventLosesNoChange()
    {
        using var archive = new InMemoryIndex(Image(1, 1, 50, 1_700_000_000_000));
        var (index, feed) = (archive.Index, archive.Changes);

        // Subscribed before the tiles' handler, so it runs first: where the tiles have not yet heard of the change.
        Task<SequenceMap>? reader = null;
        SequenceGeometry geometry = null!;
        index.Changed += change =>
        {
            if (reader is not null || change.After.LastChange != 1)
                return;
            // A tile read that asked the feed before the commit was seen (so it does not wait for the index's lock) and
            // reads the index's version after: whatever version it finds, the change must not be lost to it.
            Volatile.Write(ref feed.EpochNow, 0);
            reader = Task.Run(geometry.Current);
            Assert.True(reader.Wait(TimeSpan.FromSeconds(30)), "the tile read waited for the index's lock");
            Volatile.Write(ref feed.EpochNow, 1);
        };
        geometry = new SequenceGeometry(index, Options.Create(new TileOptions()));
        Assert.Equal([1], Assert.Single(geometry.Current().Sequences).Members);

        // A second photo joins the sequence: committed, logged, and the feed's epoch moves on.
        archive.Commit(2, Image(2, 1, 50.0001, 1_700_000_002_000));
        Assert.Equal(1, index.Current().LastChange); // a search catches the index up, raising Changed
        Assert.NotNull(reader);
        await reader;

        Assert.Equal([1, 2], Assert.Single(geometry.Current().Sequences).Members);

        // And it stays drawn after a later change elsewhere.
        archive.Commit(3, Image(3, 2, 10, 1_700_000_009_000));
        var map = geometry.Current();
        Assert.Equal([1, 2], map.Sequences.Single(s => s.Id == 1).Members);
        Assert.Equal([3], map.Sequences.Single(s => s.Id == 2).Members);
    }
}
