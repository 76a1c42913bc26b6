using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Sightline.Images;
using Sightline.Sequences;
using Sightline.Storage;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;
using Sightline.Uploads;

namespace Sightline.Tests.Backends;

/// <summary>
/// Servers sharing one embedded data folder (the docs audit: a second `serve` put back the four jobs the first was
/// working on, as if they had been left by a crash): at start a server puts back only the jobs of servers that are gone.
/// </summary>
public sealed class SqliteNodeSlotTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
    private readonly Database database;

    public SqliteNodeSlotTests()
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
    public async Task AServerPutsBackOnlyTheJobsOfServersThatAreGone()
    {
        var assembler = new SequenceAssembler(Options.Create(new SequenceOptions()));
        var uploads = new SqliteUploadStore(database, assembler);
        var userId = (await new SqliteUserStore(database).AddAsync("slots", "slots@example.org", "correct horse battery staple")).Id;
        foreach (var (key, hash) in new[] { ("one", new string('a', 64)), ("two", new string('b', 64)) })
            await uploads.AddAsync(userId, key, new IUploadStore.NewImage(null, hash, 1000, 51.05, 3.72, null, 1_700_000_000_000, 1, 640, 480,
                new Camera(null, null, null, null)), (await uploads.HoldForUploadAsync(hash))!);

        var first = new SqliteNodeSlot(database);
        using var second = new SqliteNodeSlot(database);
        Assert.NotEqual(first.Number, second.Number);
        var working = new SqliteJobQueue(database, assembler, first, TimeProvider.System);
        var starting = new SqliteJobQueue(database, assembler, second, TimeProvider.System);
        var job = await working.ClaimAsync(Lease, CancellationToken.None);
        Assert.NotNull(job);

        // The second server starts while the first works: nothing of the first's is put back.
        Assert.Equal(0, await starting.ReleaseAbandonedAsync());
        Assert.True(await working.RenewAsync(job!, Lease));

        // The first dies (the kernel gives its lock back): its job is put back, and its claim no longer holds.
        first.Dispose();
        Assert.Equal(1, await starting.ReleaseAbandonedAsync());
        Assert.False(await working.RenewAsync(job!, Lease));

        // A server restarted in the slot of its previous run puts back what that run left, and what the gone second left.
        Assert.NotNull(await starting.ClaimAsync(Lease, CancellationToken.None));
        second.Dispose();
        var restarted = new SqliteNodeSlot(database);
        Assert.NotNull(await new SqliteJobQueue(database, assembler, restarted, TimeProvider.System).ClaimAsync(Lease, CancellationToken.None));
        restarted.Dispose();
        using var third = new SqliteNodeSlot(database);
        Assert.Equal(restarted.Number, third.Number);
        Assert.Equal(2, await new SqliteJobQueue(database, assembler, third, TimeProvider.System).ReleaseAbandonedAsync());
    }
}
