using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sightline.Search;
using Sightline.Search.Index;
using Sightline.Storage;

namespace Sightline.Tests.Search;

/// <summary>
/// A search index over in-memory fakes of its store and change feed, for tests that force an interleaving of writes,
/// catching up and the index's followers. Commit a row with <see cref="Commit"/>; a search (<see cref="ImageIndex.Current"/>)
/// then applies it.
/// </summary>
public sealed class InMemoryIndex : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sightline-index-").FullName;

    public Store Rows { get; } = new();
    public Feed Changes { get; } = new();
    public ImageIndex Index { get; }

    public InMemoryIndex(params IndexedImage[] images)
    {
        foreach (var image in images)
            Rows.Images[image.Id] = image;
        Index = new ImageIndex(Rows, Changes, new FileBlobStore(new StorageOptions { DataDirectory = folder }),
            Options.Create(new SearchOptions()), NullLogger<ImageIndex>.Instance);
        Index.Load();
    }

    /// <summary>Writes (or, with null, deletes) one row, logs the change and moves the feed's epoch on.</summary>
    public void Commit(int id, IndexedImage? image)
    {
        lock (Rows.Images)
        {
            if (image is { } row)
                Rows.Images[id] = row;
            else
                Rows.Images.Remove(id);
        }
        lock (Changes.Log)
        {
            Changes.Log.Add((Changes.Log.Count + 1, id));
            Interlocked.Increment(ref Changes.EpochNow);
        }
    }

    public static IndexedImage Image(int id, int sequenceId, double lat, long capturedAt, int userId = 1, int projectId = 0)
    {
        var image = new IndexedImage
        {
            Id = id, SequenceId = sequenceId, UserId = userId, ProjectId = projectId, Lat = lat, Lon = 4, CapturedAt = capturedAt, StoredCa = 90,
        };
        Assert.True(image.TrySetKey(RandomKey.New()));
        return image;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public sealed class Store : ISearchIndexStore
    {
        public readonly Dictionary<int, IndexedImage> Images = [];

        public (IndexedImage[] Items, int Count, long LastChange) ReadAll()
        {
            lock (Images)
            {
                var all = Images.Values.ToArray();
                return (all, all.Length, 0);
            }
        }

        public IReadOnlyList<IndexedImage> Read(IReadOnlyCollection<int> ids)
        {
            lock (Images)
                return ids.Where(Images.ContainsKey).Select(id => Images[id]).ToList();
        }

        public IReadOnlyList<int> IdsOfKeys(IReadOnlyCollection<string> keys)
        {
            lock (Images)
                return Images.Values.Where(i => keys.Contains(i.Key)).Select(i => i.Id).ToList();
        }

        public IEnumerable<(int Id, string Username)> Usernames() => [(1, "walker")];
        public IEnumerable<(int Id, string Key)> SequenceKeys() => [(1, "sequence-one")];
        public string? Username(int userId) => "walker";
        public string? SequenceKey(int sequenceId) => $"sequence-{sequenceId}";
    }

    /// <summary>A change log in memory; <see cref="EpochNow"/> is what the next <see cref="Epoch"/> call answers.</summary>
    public sealed class Feed : IChangeFeed
    {
        public readonly List<(long Seq, int ImageId)> Log = [];
        public long EpochNow;

        /// <summary>Runs at the start of each <see cref="Epoch"/> call: a commit that lands just as the index asks.</summary>
        public Action? BeforeEpoch;

        public long Epoch()
        {
            BeforeEpoch?.Invoke();
            return Volatile.Read(ref EpochNow);
        }

        public long LastImageChange()
        {
            lock (Log)
                return Log.Count == 0 ? 0 : Log[^1].Seq;
        }

        public long FirstImageChange()
        {
            lock (Log)
                return Log.Count == 0 ? 0 : Log[0].Seq;
        }

        public IReadOnlyList<(long Seq, int ImageId)> ImageChangesAfter(long after)
        {
            lock (Log)
                return Log.Where(e => e.Seq > after).ToList();
        }

        public void PruneImageChanges(long upTo) { }
    }
}
