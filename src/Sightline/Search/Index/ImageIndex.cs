using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Sightline.Storage;

namespace Sightline.Search.Index;

/// <summary>
/// The in-memory search index of all processed images, kept in step with the database: at start it
/// reads the snapshot (or rescans the table), and before each search it applies what the change feed
/// recorded since, so a search always sees every committed write.
/// </summary>
public sealed class ImageIndex(
    ISearchIndexStore store, IChangeFeed changes, IBlobStore blobs, IOptions<SearchOptions> options, ILogger<ImageIndex> logger)
{
    private readonly Lock gate = new();
    private volatile IndexState state = IndexState.Empty;
    private volatile bool loaded;
    private long savedChange = -1;
    private long caughtUpEpoch = -1;
    private readonly ConcurrentDictionary<int, string> usernames = new();
    private readonly ConcurrentDictionary<int, string> sequenceKeys = new();
    // In front of the two dictionaries, by id: every hit of every answer looks both up (issue 14: the dictionaries' lookups
    // were 1.7% of a close search's CPU). Filled as they are read; a slot lost to a racing growth is only a later miss.
    private volatile string?[] usernamesById = [];
    private volatile string?[] sequenceKeysById = [];
    private const int MostIdsById = 1 << 22;

    /// <summary>True once <see cref="Load"/> has run: the server is ready to search (readiness, issue 13).</summary>
    public bool IsLoaded => loaded;

    /// <summary>Images in the index as last caught up, without catching up (metrics).</summary>
    public int Count => state.Count;

    /// <summary>The last search_changes entry the index has applied (metrics: the change feed's lag).</summary>
    public long AppliedChange => state.LastChange;

    /// <summary>
    /// Raised under the index's lock each time catching up makes a new version, with the changed rows (null for an
    /// image gone from the index); the version before tells what each image was. Raised before the version is published:
    /// once <see cref="Current"/> returns it, every handler has seen its changes. Other in-memory views of the
    /// images (the vector tiles' sequences) follow the index through it.
    /// </summary>
    public event Action<IndexChange>? Changed;

    /// <summary>Loads the snapshot or rebuilds from the table, then catches up; returns how the start went.</summary>
    public string Load()
    {
        var clock = Stopwatch.StartNew();
        var snapshot = IndexSnapshot.LoadAsync(blobs).GetAwaiter().GetResult();
        lock (gate)
        {
            var lastChange = changes.LastImageChange();
            var firstChange = changes.FirstImageChange();
            string source;
            // Usable when it is current, or when the log still holds everything after it (the log is pruned
            // only up to a saved snapshot, but an older snapshot may be what a crash left behind).
            if (snapshot is var (items, snapshotChange)
                && (snapshotChange == lastChange || (snapshotChange < lastChange && firstChange != 0 && firstChange <= snapshotChange + 1)))
            {
                state = IndexState.FromBase(items, items.Length, snapshotChange, sorted: true);
                savedChange = snapshotChange;
                source = "snapshot";
            }
            else
            {
                var (all, count, scannedChange) = store.ReadAll();
                state = IndexState.FromBase(all, count, scannedChange);
                source = "table scan";
            }
            foreach (var (id, name) in store.Usernames())
                usernames[id] = name;
            foreach (var (id, key) in store.SequenceKeys())
                sequenceKeys[id] = key;
            usernamesById = [];
            sequenceKeysById = [];
            CatchUpLocked();
            loaded = true;
            var message = $"search index: {state.Count} images from {source} in {clock.ElapsedMilliseconds} ms, {state.MemoryBytes / Math.Max(1, state.Count)} bytes/image";
            logger.LogInformation("{Message}", message);
            return message;
        }
    }

    /// <summary>The index as of now: every write committed before this call is in it.</summary>
    /// <remarks>Searches take no lock unless something was committed since the index last caught up.</remarks>
    public IndexState Current()
    {
        if (!loaded)
            throw new InvalidOperationException("The search index has not been loaded.");
        var epoch = changes.Epoch(); // before catching up, so that later commits move it on
        if (epoch > Volatile.Read(ref caughtUpEpoch))
        {
            lock (gate)
            {
                // Under load many searches arrive after one commit and queue here: the first catches up, and the
                // others find that it read an epoch at least as new as theirs (so every commit they must see is
                // applied) instead of each asking the database again, one after the other, under the lock (issue 13's soak).
                if (epoch > caughtUpEpoch)
                {
                    CatchUpLocked();
                    caughtUpEpoch = epoch;
                }
            }
        }
        return state;
    }

    /// <summary>The row ids of the images with these keys, indexed or not (a version's <c>TryGet</c> tells).</summary>
    public IReadOnlyList<int> IdsOfKeys(IReadOnlyCollection<string> keys) => store.IdsOfKeys(keys);

    public string Username(int userId)
    {
        var known = usernamesById;
        if ((uint)userId < (uint)known.Length && known[userId] is { } cached)
            return cached;
        var name = usernames.TryGetValue(userId, out var found) ? found : usernames.GetOrAdd(userId, store.Username(userId) ?? "");
        usernamesById = Remember(known, userId, name);
        return name;
    }

    public string? SequenceKey(int sequenceId)
    {
        if (sequenceId == 0)
            return null;
        var known = sequenceKeysById;
        if ((uint)sequenceId < (uint)known.Length && known[sequenceId] is { } cached)
            return cached;
        var key = sequenceKeys.TryGetValue(sequenceId, out var found) ? found
            : sequenceKeys.GetOrAdd(sequenceId, store.SequenceKey(sequenceId) ?? "");
        sequenceKeysById = Remember(known, sequenceId, key);
        return key;
    }

    // A row id the database gave back after its row was deleted (SQLite reuses the largest) may name another sequence or
    // user now: the key and name of the sequence and user of an image new to the index (a reused image id is another key),
    // or moved to another sequence, are read again before anything follows the change (the tiles draw new sequences with their keys at once).
    private void ReadNamesAgain(IndexState current, IEnumerable<IndexedImage?> changed)
    {
        HashSet<int>? sequencesSeen = null, usersSeen = null;
        foreach (var row in changed)
        {
            if (row is not { } image || (current.TryGet(image.Id, out var before) && before.KeyHigh == image.KeyHigh && before.KeyLow == image.KeyLow
                                    && before.SequenceId == image.SequenceId && before.UserId == image.UserId))
                continue;
            if (image.SequenceId != 0 && (sequencesSeen ??= []).Add(image.SequenceId))
            {
                var key = store.SequenceKey(image.SequenceId) ?? "";
                sequenceKeys[image.SequenceId] = key;
                sequenceKeysById = Remember(sequenceKeysById, image.SequenceId, key);
            }
            if ((usersSeen ??= []).Add(image.UserId))
            {
                var name = store.Username(image.UserId) ?? "";
                usernames[image.UserId] = name;
                usernamesById = Remember(usernamesById, image.UserId, name);
            }
        }
    }

    // The array with value at id, grown (a copy) when id is past its end; ids outside [0, MostIdsById) are not kept.
    private static string?[] Remember(string?[] known, int id, string value)
    {
        if ((uint)id >= MostIdsById)
            return known;
        if (id >= known.Length)
        {
            var grown = new string?[Math.Min(MostIdsById, Math.Max(id + 1, known.Length * 2))];
            known.CopyTo(grown, 0);
            known = grown;
        }
        known[id] = value;
        return known;
    }

    /// <summary>Stores the current index as the snapshot and prunes the change log it makes redundant.</summary>
    public async Task SaveSnapshotAsync()
    {
        IndexState saving;
        lock (gate)
        {
            if (!loaded)
                return;
            CatchUpLocked();
            if (state.LastChange == savedChange && state.OverlayCount == 0)
                return;
            if (state.OverlayCount > 0)
                state = state.Compacted();
            saving = state;
        }
        await IndexSnapshot.SaveAsync(blobs, saving);
        lock (gate)
        {
            savedChange = saving.LastChange;
            // Not up to the snapshot: the other nodes apply the log when they next search, and may be behind this one.
            changes.PruneImageChanges(savedChange - options.Value.RetainedChanges);
        }
    }

    private void CatchUpLocked()
    {
        var current = state;
        var entries = changes.ImageChangesAfter(current.LastChange);
        if ((entries.Count == 0 || entries[0].Seq > current.LastChange + 1) && MissedChanges(current.LastChange))
        {
            RebuildLocked(current);
            return;
        }
        if (entries.Count == 0)
            return;
        var ids = entries.Select(e => e.ImageId).Distinct().ToList();
        var updates = ids.ToDictionary(id => id, _ => (IndexedImage?)null);
        foreach (var image in store.Read(ids))
            updates[image.Id] = image;
        ReadNamesAgain(current, updates.Values);
        var next = current.With(updates, entries[^1].Seq);
        if (next.OverlayCount > Math.Max(options.Value.OverlayLimit, next.BaseCount / 32))
            next = next.Compacted();
        // The event first, the version after: a reader that finds the new version (searches read it without the lock)
        // must find its changes already recorded by those following the index. Published first, a tile read in between
        // took the version as applied and dropped the changes recorded after it as old (the photo missing from the map).
        Changed?.Invoke(new IndexChange(current, next, updates));
        state = next;
    }
    // Whether entries after `applied` were trimmed from the log before this index read them: another node (or a second
    // server on the same data folder) trimmed further than RetainedChanges behind it. Asked only when the entries after
    // `applied` do not follow on from it (a sequence may also skip numbers of rolled-back transactions).
    private bool MissedChanges(long applied)
    {
        var first = changes.FirstImageChange();
        return first == 0 ? changes.LastImageChange() > applied : first > applied + 1;
    }

    // The table read again, as at a start without a usable snapshot; those following the index hear every image as changed.
    private void RebuildLocked(IndexState current)
    {
        var clock = Stopwatch.StartNew();
        var (all, count, scannedChange) = store.ReadAll();
        var rebuilt = IndexState.FromBase(all, count, scannedChange);
        var rows = new Dictionary<int, IndexedImage?>(count);
        var collect = new RowCollector(rows, null);
        current.VisitAll(ref collect);
        collect = new RowCollector(rows, rebuilt);
        rebuilt.VisitAll(ref collect);
        ReadNamesAgain(current, rows.Values);
        Changed?.Invoke(new IndexChange(current, rebuilt, rows));
        state = rebuilt;
        logger.LogWarning("search index: changes {From}..{To} were trimmed from the change log before this node applied them; " +
                          "read {Count} images from the table again in {Milliseconds} ms", current.LastChange + 1, scannedChange, count, clock.ElapsedMilliseconds);
    }

    // First pass (no version): every image of the old version, as gone; second pass: every image of the new one, as it is.
    private readonly struct RowCollector(Dictionary<int, IndexedImage?> rows, IndexState? rebuilt) : IndexState.IMatchVisitor
    {
        public void Visit(in IndexedImage image) => rows[image.Id] = rebuilt is null ? null : image;
    }
}

/// <summary>One step of the index: the version before, the version after, and the rows that changed (null: gone).</summary>
public sealed record IndexChange(IndexState Before, IndexState After, IReadOnlyDictionary<int, IndexedImage?> Rows);
