using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage;

/// <summary>
/// Tells cheaply whether anything was committed to the database (by any connection or process) since
/// a caller last looked, so that in-memory copies of tables can be trusted without asking the table.
/// </summary>
/// <remarks>
/// SQLite's <c>PRAGMA data_version</c> changes for a connection when another connection commits. Each
/// call borrows a pooled connection that is only ever used for that question; when its answer changed,
/// the shared <see cref="Epoch"/> moves on. Read the epoch before reading the data it guards: a commit
/// in between then moves the epoch past the one stored with the copy.
/// </remarks>
public sealed class CommitWatch(Database database) : IDisposable
{
    private readonly ConcurrentBag<Probe> probes = [];
    private long epoch;

    /// <summary>A number that has grown if anything was committed since it was last read.</summary>
    public long Epoch()
    {
        if (!probes.TryTake(out var probe))
            probe = new Probe(database.Open());
        try
        {
            var version = probe.DataVersion();
            if (version != probe.Seen)
            {
                Interlocked.Increment(ref epoch);
                probe.Seen = version;
            }
            return Interlocked.Read(ref epoch);
        }
        finally
        {
            probes.Add(probe);
        }
    }

    public void Dispose()
    {
        while (probes.TryTake(out var probe))
            probe.Dispose();
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
