using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sightline.Search;
using Sightline.Search.Index;
using Sightline.Storage;
using Sightline.Tiles;

namespace Sightline.Tests.Tiles;

/// <summary>
/// The tiles' sequences follow the search index through its <see cref="ImageIndex.Changed"/> event. A tile read that
/// finds a new version of the index must also find that version's changes recorded, or it takes the version as applied
/// and the changes, recorded after, are dropped as old: a photo missing from the map until a restart. The interleaving
/// is forced here with an index over in-memory fakes and a handler that runs before the tiles' own.
/// </summary>
public sealed class IndexChangeOrderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sightline-index-order-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private sealed class Store : ISearchIndexStore
    {
        public readonly Dictionary<int, IndexedImage> Rows = [];

        public (IndexedImage[] Items, int Count, long LastChange) ReadAll()
        {
            var all = Rows.Values.ToArray();
            return (all, all.Length, 0);
        }

        public IReadOnlyList<IndexedImage> Read(IReadOnlyCollection<int> ids) =>
            ids.Where(Rows.ContainsKey).Select(id => Rows[id]).ToList();

        public IEnumerable<(int Id, string Username)> Usernames() => [(1, "walker")];
        public IEnumerable<(int Id, string Key)> SequenceKeys() => [(1, "sequence-one")];
        public string? Username(int userId) => "walker";
        public string? SequenceKey(int sequenceId) => $"sequence-{sequenceId}";
    }

    /// <summary>A change log in memory; <see cref="EpochNow"/> is what the next <see cref="Epoch"/> call answers.</summary>
    private sealed class Feed : IChangeFeed
    {
        public readonly List<(long Seq, int ImageId)> Log = [];
        public long EpochNow;

        public long Epoch() => Volatile.Read(ref EpochNow);
        public long LastImageChange() => Log.Count == 0 ? 0 : Log[^1].Seq;
        public long FirstImageChange() => Log.Count == 0 ? 0 : Log[0].Seq;
        public IReadOnlyList<(long Seq, int ImageId)> ImageChangesAfter(long after) => Log.Where(e => e.Seq > after).ToList();
        public void PruneImageChanges(long upTo) { }
    }

    private static IndexedImage Image(int id, int sequenceId, double lat, long capturedAt)
    {
        var image = new IndexedImage { Id = id, SequenceId = sequenceId, UserId = 1, Lat = lat, Lon = 4, CapturedAt = capturedAt, StoredCa = 90 };
        Assert.True(image.TrySetKey(RandomKey.New()));
        return image;
    }

    [Fact]
    public async Task ATileReadBetweenCatchingUpAndItsEventLosesNoChange()
    {
        var store = new Store();
        store.Rows[1] = Image(1, 1, 50, 1_700_000_000_000);
        var feed = new Feed();
        var index = new ImageIndex(store, feed, new FileBlobStore(new StorageOptions { DataDirectory = folder }),
            Options.Create(new SearchOptions()), NullLogger<ImageIndex>.Instance);
        index.Load();

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
        store.Rows[2] = Image(2, 1, 50.0001, 1_700_000_002_000);
        feed.Log.Add((1, 2));
        Volatile.Write(ref feed.EpochNow, 1);
        Assert.Equal(1, index.Current().LastChange); // a search catches the index up, raising Changed
        Assert.NotNull(reader);
        await reader;

        Assert.Equal([1, 2], Assert.Single(geometry.Current().Sequences).Members);

        // And it stays drawn after a later change elsewhere.
        store.Rows[3] = Image(3, 2, 10, 1_700_000_009_000);
        feed.Log.Add((2, 3));
        Volatile.Write(ref feed.EpochNow, 2);
        var map = geometry.Current();
        Assert.Equal([1, 2], map.Sequences.Single(s => s.Id == 1).Members);
        Assert.Equal([3], map.Sequences.Single(s => s.Id == 2).Members);
    }
}
