using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sightline.Storage;

namespace Sightline.Search.Index;

/// <summary>
/// The in-memory search index of all processed images, kept in step with the database: at start it
/// reads the snapshot file (or rescans the table), and before each search it applies what the
/// <c>search_changes</c> log recorded since, so a search always sees every committed write.
/// </summary>
public sealed class ImageIndex(Database database, CommitWatch commits, IOptions<SearchOptions> options, ILogger<ImageIndex> logger) : IDisposable
{
    private readonly Lock gate = new();
    private volatile IndexState state = IndexState.Empty;
    private volatile SqliteConnection? watch;
    private SqliteCommand? dataVersion;
    private long seenDataVersion = -1;
    private long savedChange = -1;
    private long caughtUpEpoch = -1;
    private readonly ConcurrentDictionary<int, string> usernames = new();
    private readonly ConcurrentDictionary<int, string> sequenceKeys = new();

    /// <summary>
    /// Raised under the index's lock each time catching up publishes a new version, with the changed rows (null for an
    /// image gone from the index); the version before tells what each image was. Other in-memory views of the
    /// images (the vector tiles' sequences) follow the index through it.
    /// </summary>
    public event Action<IndexChange>? Changed;

    /// <summary>Loads the snapshot or rebuilds from the table, then catches up; returns how the start went.</summary>
    public string Load()
    {
        var clock = Stopwatch.StartNew();
        lock (gate)
        {
            watch = database.Open();
            dataVersion = watch.CreateCommand();
            dataVersion.CommandText = "PRAGMA data_version";
            var lastChange = HighWaterMark(null);
            var firstChange = watch.ExecuteScalar<long>("SELECT coalesce(min(seq), 0) FROM search_changes");

            var snapshot = IndexSnapshot.Read(IndexSnapshot.PathIn(database.DataDirectory));
            string source;
            // Usable when it is current, or when the log still holds everything after it (the log is pruned
            // only up to a saved snapshot, but an older snapshot file may be what a crash left behind).
            if (snapshot is var (items, snapshotChange)
                && (snapshotChange == lastChange || (snapshotChange < lastChange && firstChange != 0 && firstChange <= snapshotChange + 1)))
            {
                state = IndexState.FromBase(items, items.Length, snapshotChange, sorted: true);
                savedChange = snapshotChange;
                source = "snapshot";
            }
            else
            {
                state = Rebuild();
                source = "table scan";
            }
            LoadNames();
            CatchUpLocked();
            var message = $"search index: {state.Count} images from {source} in {clock.ElapsedMilliseconds} ms, {state.MemoryBytes / Math.Max(1, state.Count)} bytes/image";
            logger.LogInformation("{Message}", message);
            return message;
        }
    }

    /// <summary>The index as of now: every write committed before this call is in it.</summary>
    /// <remarks>Searches take no lock unless something was committed since the index last caught up.</remarks>
    public IndexState Current()
    {
        if (watch is null)
            throw new InvalidOperationException("The search index has not been loaded.");
        var epoch = commits.Epoch(); // before catching up, so that later commits move it on
        if (epoch != Volatile.Read(ref caughtUpEpoch))
        {
            lock (gate)
            {
                CatchUpLocked();
                caughtUpEpoch = Math.Max(caughtUpEpoch, epoch);
            }
        }
        return state;
    }

    public string Username(int userId) =>
        usernames.TryGetValue(userId, out var name) ? name : usernames.GetOrAdd(userId, LookUp("SELECT username FROM users WHERE id = @id", userId));

    public string? SequenceKey(int sequenceId) =>
        sequenceId == 0 ? null
        : sequenceKeys.TryGetValue(sequenceId, out var key) ? key
        : sequenceKeys.GetOrAdd(sequenceId, LookUp("SELECT key FROM sequences WHERE id = @id", sequenceId));

    /// <summary>Writes the current index as the snapshot and prunes the change log it makes redundant.</summary>
    public void SaveSnapshot()
    {
        lock (gate)
        {
            if (watch is null)
                return;
            CatchUpLocked();
            if (state.LastChange == savedChange && state.OverlayCount == 0)
                return;
            if (state.OverlayCount > 0)
                state = state.Compacted();
            IndexSnapshot.Write(IndexSnapshot.PathIn(database.DataDirectory), state.BaseItems, state.LastChange);
            savedChange = state.LastChange;
            watch.Execute("DELETE FROM search_changes WHERE seq <= @savedChange", new { savedChange });
        }
    }

    private void CatchUpLocked()
    {
        var version = (long)dataVersion!.ExecuteScalar()!;
        if (version == seenDataVersion)
            return;
        seenDataVersion = version;
        var current = state;
        var entries = watch!.Query<(long Seq, long ImageId)>(
            "SELECT seq, image_id FROM search_changes WHERE seq > @LastChange ORDER BY seq", new { current.LastChange }).AsList();
        if (entries.Count == 0)
            return;
        var ids = entries.Select(e => (int)e.ImageId).Distinct().ToList();
        var changes = ids.ToDictionary(id => id, _ => (IndexedImage?)null);
        foreach (var chunk in ids.Chunk(5000))
            foreach (var image in ReadImages(watch!, "AND id IN (SELECT value FROM json_each(@ids))", new { ids = System.Text.Json.JsonSerializer.Serialize(chunk) }))
                changes[image.Id] = image;
        var next = current.With(changes, entries[^1].Seq);
        if (next.OverlayCount > Math.Max(options.Value.OverlayLimit, next.BaseCount / 32))
            next = next.Compacted();
        state = next;
        Changed?.Invoke(new IndexChange(current, next, changes));
    }

    private IndexState Rebuild()
    {
        using var transaction = watch!.BeginTransaction(deferred: true);
        var lastChange = HighWaterMark(transaction);
        var count = watch.ExecuteScalar<int>($"SELECT count(*) FROM images WHERE {Indexed}", transaction: transaction);
        var items = new IndexedImage[count];
        var n = 0;
        foreach (var image in ReadImages(watch, "", null, transaction))
        {
            if (n == items.Length)
                Array.Resize(ref items, Math.Max(16, n * 2));
            items[n++] = image;
        }
        transaction.Commit();
        return IndexState.FromBase(items, n, lastChange);
    }

    // The last change ever logged: it survives pruning in sqlite_sequence (AUTOINCREMENT never reuses a number).
    private long HighWaterMark(SqliteTransaction? transaction) =>
        watch!.ExecuteScalar<long>("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'search_changes'), 0)", transaction: transaction);

    // Processed images, but for hidden images of projects (hidden public images are kept for their owners' hidden=true).
    private const string Indexed = "state = 'done' AND (hidden_at IS NULL OR project_id IS NULL)";

    private IEnumerable<IndexedImage> ReadImages(SqliteConnection connection, string condition, object? parameters, SqliteTransaction? transaction = null)
    {
        using var reader = connection.ExecuteReader(
            $"""
            SELECT id, key, user_id, coalesce(sequence_id, 0), lat, lon, ca, captured_at,
                   CASE WHEN hidden_at IS NOT NULL THEN {IndexedImage.HiddenProject} ELSE coalesce(project_id, 0) END
            FROM images WHERE {Indexed} {condition}
            """, parameters, transaction);
        while (reader.Read())
        {
            var image = new IndexedImage
            {
                Id = reader.GetInt32(0), UserId = reader.GetInt32(2), SequenceId = reader.GetInt32(3),
                Lat = reader.GetDouble(4), Lon = reader.GetDouble(5), StoredCa = reader.IsDBNull(6) ? double.NaN : reader.GetDouble(6),
                CapturedAt = reader.GetInt64(7), ProjectId = reader.GetInt32(8),
            };
            if (!image.TrySetKey(reader.GetString(1)))
            {
                logger.LogWarning("Image {Id} has a key this server does not make; search skips it", image.Id);
                continue;
            }
            yield return image;
        }
    }

    private void LoadNames()
    {
        foreach (var (id, name) in watch!.Query<(int, string)>("SELECT id, username FROM users"))
            usernames[id] = name;
        foreach (var (id, key) in watch!.Query<(int, string)>("SELECT id, key FROM sequences"))
            sequenceKeys[id] = key;
    }

    private string LookUp(string sql, int id)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<string>(sql, new { id }) ?? "";
    }

    public void Dispose()
    {
        lock (gate)
        {
            dataVersion?.Dispose();
            watch?.Dispose();
            watch = null;
        }
    }
}

/// <summary>One step of the index: the version before, the version after, and the rows that changed (null: gone).</summary>
public sealed record IndexChange(IndexState Before, IndexState After, IReadOnlyDictionary<int, IndexedImage?> Rows);
