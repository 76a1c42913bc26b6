using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage.Sqlite;

/// <summary>
/// The change feed on SQLite: <c>PRAGMA data_version</c> for "was anything committed", and the trigger-fed
/// <c>search_changes</c> log for which images changed.
/// </summary>
/// <remarks>
/// SQLite's <c>PRAGMA data_version</c> changes for a connection when another connection commits. One probe holds a
/// connection that is only ever used for that question, asked by one caller at a time; when its answer changed, the
/// shared epoch moves on.
/// A probe costs about as much as a small request, so it runs at most once per probe interval, and at once when a
/// connection of this process that committed has closed since the last probe (<see cref="Database"/> notes those):
/// a token revoked here is refused on the very next request, one revoked by another process within the interval.
/// </remarks>
public sealed class CommitWatch(Database database, StorageOptions options) : IChangeFeed, IDisposable
{
    private static long localCommits;
    private readonly Lock probing = new();
    private readonly long interval = Stopwatch.Frequency * Math.Max(0, options.ChangeProbeMilliseconds) / 1000;
    private Probe? probe;
    private long epoch;
    private long probedAt = long.MinValue / 2;
    private long probedLocalCommits = -1;

    /// <summary>Called when a connection of this process that committed a write has closed.</summary>
    internal static void NoteLocalCommit() => Interlocked.Increment(ref localCommits);

    public long Epoch()
    {
        var local = Volatile.Read(ref localCommits);
        var now = Stopwatch.GetTimestamp();
        if (Fresh(local, now))
            return Interlocked.Read(ref epoch);
        // One probe, one connection, one caller at a time: a commit moves the epoch once. (A probe per concurrent caller
        // moved it once per probe for the same commit, and a new probe's first answer moved it with no commit at all,
        // so bursts of requests outdated every cache keyed on it.)
        lock (probing)
        {
            // Probed meanwhile by a caller who came after this one (so its probe saw every commit this one must see), or
            // recently enough with no local commit since.
            if (Volatile.Read(ref probedAt) > now || Fresh(local, now))
                return Interlocked.Read(ref epoch);
            probe ??= new Probe(database.Open());
            var version = probe.DataVersion();
            if (version != probe.Seen)
            {
                if (probe.Seen != -1)
                    Interlocked.Increment(ref epoch);
                probe.Seen = version;
            }
            // What was read before the probe: a commit noted after it is probed for on the next call.
            Volatile.Write(ref probedLocalCommits, local);
            Volatile.Write(ref probedAt, now);
            return Interlocked.Read(ref epoch);
        }
    }

    private bool Fresh(long local, long now) =>
        local == Volatile.Read(ref probedLocalCommits) && now - Volatile.Read(ref probedAt) < interval;

    // The last change ever logged: it survives pruning in sqlite_sequence (AUTOINCREMENT never reuses a number).
    public long LastImageChange()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'search_changes'), 0)");
    }

    public long FirstImageChange()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT coalesce(min(seq), 0) FROM search_changes");
    }

    public IReadOnlyList<(long Seq, int ImageId)> ImageChangesAfter(long after)
    {
        using var connection = database.Open();
        return connection.Query<(long Seq, int ImageId)>(
            "SELECT seq, image_id FROM search_changes WHERE seq > @after ORDER BY seq", new { after }).AsList();
    }

    public void PruneImageChanges(long upTo)
    {
        using var connection = database.OpenWriter();
        connection.Execute("DELETE FROM search_changes WHERE seq <= @upTo", new { upTo });
    }

    public void Dispose()
    {
        lock (probing)
            probe?.Dispose();
    }

    private sealed class Probe : IDisposable
    {
        private readonly SqliteConnection connection;
        private readonly SqliteCommand command;

        public Probe(SqliteConnection connection)
        {
            this.connection = connection;
            command = connection.CreateCommand();
            command.CommandText = "PRAGMA data_version";
            command.Prepare();
        }

        public long Seen { get; set; } = -1;

        public long DataVersion() => (long)command.ExecuteScalar()!;

        public void Dispose()
        {
            command.Dispose();
            connection.Dispose();
        }
    }
}
