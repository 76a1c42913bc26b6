using Microsoft.Data.Sqlite;
using Sightline.Storage;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>The commit watch that lets the search index and the application cache skip the database.</summary>
public sealed class CommitWatchTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
    private readonly Database database;

    public CommitWatchTests()
    {
        database = new Database(data);
        database.Migrate();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestServer.DeleteData(data);
    }

    private void Commit()
    {
        using var writer = database.Open();
        using var command = writer.CreateCommand();
        command.CommandText = "INSERT INTO settings (name, value) VALUES ('x', 'y')";
        command.ExecuteNonQuery();
    }

    [Fact]
    public void TheEpochMovesOnlyWhenSomethingWasCommitted()
    {
        using var watch = new CommitWatch(database, new StorageOptions());
        var first = watch.Epoch();
        Assert.Equal(first, watch.Epoch());
        Assert.Equal(first, watch.Epoch());

        Commit();
        var second = watch.Epoch();
        Assert.True(second > first);
        Assert.Equal(second, watch.Epoch());

        // Reads commit nothing.
        using (var reader = database.Open())
        using (var command = reader.CreateCommand())
        {
            command.CommandText = "SELECT count(*) FROM settings";
            command.ExecuteScalar();
        }
        Assert.Equal(second, watch.Epoch());
    }

    [Fact]
    public void CallersAtOnceMoveItOncePerCommitAndNotWithout()
    {
        // No probe interval: every call asks the database, as when a local commit just closed.
        using var watch = new CommitWatch(database, new StorageOptions { ChangeProbeMilliseconds = 0 });
        var first = watch.Epoch();
        long[] ManyAtOnce()
        {
            // 16 threads released together, each asking 200 times: the callers overlap.
            var seen = new long[16];
            using var start = new Barrier(seen.Length);
            var threads = Enumerable.Range(0, seen.Length).Select(t => new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < 200; i++)
                    seen[t] = Math.Max(seen[t], watch.Epoch());
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            return seen;
        }
        Assert.All(ManyAtOnce(), epoch => Assert.Equal(first, epoch));

        Commit();
        Assert.All(ManyAtOnce(), epoch => Assert.Equal(first + 1, epoch));
    }
}
