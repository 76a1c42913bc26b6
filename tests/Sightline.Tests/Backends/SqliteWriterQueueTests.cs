using Dapper;
using Microsoft.Data.Sqlite;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Backends;

/// <summary>
/// Writers of one process queue for SQLite's single write lock without holding a thread (issue 13): the next writer's
/// connection is handed out only once the previous writer's connection has closed.
/// </summary>
public sealed class SqliteWriterQueueTests : IDisposable
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
    private readonly Database database;

    public SqliteWriterQueueTests()
    {
        database = new Database(data);
        database.Migrate();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        TestServer.DeleteData(data);
    }

    [Fact]
    public async Task TheNextWriterWaitsWithoutAThreadUntilTheFirstCloses()
    {
        var first = await database.OpenWriterAsync();
        var transaction = first.BeginTransaction(); // BEGIN IMMEDIATE: SQLite's write lock is held from here
        first.Execute("INSERT INTO settings (name, value) VALUES ('first', '1')", transaction: transaction);

        // Another Database on the same file (as an admin command in the same process would make) joins the same queue.
        var second = new Database(data).OpenWriterAsync();
        var reader = await database.OpenAsync(); // readers never queue
        Assert.Equal(0, await reader.ExecuteScalarAsync<long>("SELECT count(*) FROM settings WHERE name = 'first'"));
        Assert.False(second.IsCompleted);

        transaction.Commit();
        await first.DisposeAsync();
        await using var writer = await second;
        using (var next = writer.BeginTransaction())
        {
            writer.Execute("INSERT INTO settings (name, value) VALUES ('second', '2')", transaction: next);
            next.Commit();
        }
        Assert.Equal(2, await reader.ExecuteScalarAsync<long>("SELECT count(*) FROM settings WHERE name IN ('first', 'second')"));
        await reader.DisposeAsync();
    }

    [Fact]
    public async Task ManyConcurrentWritersAllCommitInTurn()
    {
        await using (var setup = await database.OpenWriterAsync())
            await setup.ExecuteAsync("INSERT INTO settings (name, value) VALUES ('counter', '0')");
        // Read-modify-write in one transaction each: a lost update or a busy error would show in the count.
        await Task.WhenAll(Enumerable.Range(0, 48).Select(_ => Task.Run(async () =>
        {
            await using var connection = await database.OpenWriterAsync();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            var value = long.Parse(await connection.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE name = 'counter'", transaction: transaction) ?? "0");
            await connection.ExecuteAsync("UPDATE settings SET value = @value WHERE name = 'counter'", new { value = (value + 1).ToString() }, transaction);
            await transaction.CommitAsync();
        })));
        await using var reader = await database.OpenAsync();
        Assert.Equal("48", await reader.ExecuteScalarAsync<string>("SELECT value FROM settings WHERE name = 'counter'"));
    }

    [Fact]
    public async Task AWriterThatFailsToOpenLetsTheNextIn()
    {
        using var cancelled = new CancellationTokenSource();
        await using (var holder = await database.OpenWriterAsync())
        {
            var waiting = database.OpenWriterAsync(cancelled.Token);
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }
        await using var next = await database.OpenWriterAsync();
        await next.ExecuteAsync("INSERT INTO settings (name, value) VALUES ('after', '1')");
    }
}
