using Microsoft.Extensions.Options;
using Sightline.Search.Index;

namespace Sightline.Tiles;

/// <summary>
/// The sequences of the archive as the map draws them, in memory: built once from the search index and then kept in
/// step with it through its change events, so that a tile needs no SQL. Readers take a <see cref="SequenceMap"/>,
/// an immutable version that answers "which sequences and images are in these bounds".
/// </summary>
public sealed class SequenceGeometry : IDisposable
{
    private readonly ImageIndex index;
    private readonly Lock gate = new();
    // Under gate: (change, sequence, image) for each image whose sequence the index touched since the last read; only
    // ints, so that no version of the index is kept alive by it. Recorded once a map has been asked for.
    private readonly List<(long Change, int SequenceId, int ImageId)> pending = [];
    private bool recording;                           // under gate
    private Dictionary<int, SequenceShape>? shapes;   // under gate; null until the first read builds it
    private long appliedChange = -1;                  // under gate: the index's last change reflected in shapes
    private long epoch;                               // under gate: bumped whenever the shapes change
    private TileChanges changes = TileChanges.Since(0); // under gate: where each epoch changed the shapes
    private long rebuildFrom = -1;                    // under gate: the shapes were dropped at this change; a rebuild needs a version this new
    private readonly int maxPending;
    private volatile SequenceMap? published;

    public SequenceGeometry(ImageIndex index, IOptions<TileOptions> options)
    {
        this.index = index;
        maxPending = Math.Max(1, options.Value.MaxPendingChanges);
        index.Changed += OnChanged;
    }

    /// <summary>The sequences as of now: every image committed before this call is drawn.</summary>
    public SequenceMap Current()
    {
        while (true)
            if (TryCurrent() is { } map)
                return map;
    }

    // Null when the shapes were dropped (too many pending changes) after the version this call read: the entries of the
    // changes past that version are gone with them, so it reads the index again and rebuilds from a version that has them.
    private SequenceMap? TryCurrent()
    {
        if (shapes is null)
            lock (gate)
                recording = true; // from here on no change can slip between the version read below and the build
        var state = index.Current(); // catches the index up, which raises Changed for what is new
        var map = published;
        if (map is not null && ReferenceEquals(map.Images, state))
            return map;
        lock (gate)
        {
            map = published;
            if (map is not null && (ReferenceEquals(map.Images, state) || map.Images.LastChange > state.LastChange))
                return map;
            if (shapes is null)
            {
                if (state.LastChange < rebuildFrom)
                    return null;
                shapes = BuildAll(state);
                appliedChange = state.LastChange;
                epoch++;
                changes = TileChanges.Since(epoch);
            }
            // Changes the version read has; later ones (published since by another reader) wait for the next read.
            var dirty = new Dictionary<int, HashSet<int>>();
            var kept = 0;
            foreach (var entry in pending)
            {
                if (entry.Change > state.LastChange)
                    pending[kept++] = entry;
                else if (entry.Change > appliedChange)
                    Members(dirty, entry.SequenceId).Add(entry.ImageId);
            }
            pending.RemoveRange(kept, pending.Count - kept);
            var touched = new List<GeoBox>();
            foreach (var (sequenceId, ids) in dirty)
            {
                if (shapes.TryGetValue(sequenceId, out var old) && old.Members.Length > 0)
                    touched.Add(old.Bounds);
                var shape = SequenceShape.Build(sequenceId, index.SequenceKey(sequenceId) ?? "", ids, state);
                if (shape is null)
                    shapes.Remove(sequenceId);
                else
                    shapes[sequenceId] = shape;
                if (shape is { Members.Length: > 0 })
                    touched.Add(shape.Bounds);
            }
            if (dirty.Count > 0)
            {
                epoch++;
                changes = changes.Add(epoch, touched);
            }
            appliedChange = Math.Max(appliedChange, state.LastChange);
            // A new version without changes (a compaction) is still taken, so that the old one's arrays can go.
            map = published is { } same && same.Epoch == epoch
                ? same.With(state)
                : new SequenceMap(shapes.Values.Where(s => s.Members.Length > 0).ToArray(), state, epoch, changes, index.Username);
            published = map;
            return map;
        }
    }

    private HashSet<int> Members(Dictionary<int, HashSet<int>> dirty, int sequenceId)
    {
        if (!dirty.TryGetValue(sequenceId, out var ids))
        {
            ids = shapes!.TryGetValue(sequenceId, out var shape) ? [.. shape.AllIds] : [];
            dirty[sequenceId] = ids;
        }
        return ids;
    }

    // Runs under the index's lock: note which sequences each changed image left and joined.
    private void OnChanged(IndexChange change)
    {
        lock (gate)
        {
            if (!recording)
                return;
            foreach (var (id, row) in change.Rows)
            {
                if (change.Before.TryGet(id, out var before) && before.SequenceId != 0)
                    pending.Add((change.After.LastChange, before.SequenceId, id));
                if (row is { SequenceId: not 0 } after)
                    pending.Add((change.After.LastChange, after.SequenceId, id));
            }
            // Recording starts at the server's start (the tiles are prepared then), so a server whose tiles nobody reads
            // while it ingests would keep every change here: past a bound (Tiles:MaxPendingChanges) the shapes are
            // dropped instead, and the next read rebuilds them from the index as a start does. No change is lost: the
            // entries dropped are all of this change or older, and the rebuild waits for a version of the index that
            // has this change (a reader that read an older version reads again); recording stays on for later ones.
            if (pending.Count > maxPending && shapes is not null)
            {
                shapes = null;
                rebuildFrom = change.After.LastChange;
                pending.Clear();
            }
        }
    }

    private Dictionary<int, SequenceShape> BuildAll(IndexState state)
    {
        var grouping = new Grouping(new Dictionary<int, List<int>>());
        state.VisitAll(ref grouping);
        var all = new Dictionary<int, SequenceShape>(grouping.Ids.Count);
        foreach (var (sequenceId, ids) in grouping.Ids)
            if (SequenceShape.Build(sequenceId, index.SequenceKey(sequenceId) ?? "", ids, state) is { } shape)
                all[sequenceId] = shape;
        return all;
    }

    private readonly struct Grouping(Dictionary<int, List<int>> ids) : IndexState.IMatchVisitor
    {
        public Dictionary<int, List<int>> Ids => ids;

        public void Visit(in IndexedImage image)
        {
            if (image.SequenceId == 0)
                return;
            if (!ids.TryGetValue(image.SequenceId, out var list))
                ids[image.SequenceId] = list = [];
            list.Add(image.Id);
        }
    }

    public void Dispose() => index.Changed -= OnChanged;
}
