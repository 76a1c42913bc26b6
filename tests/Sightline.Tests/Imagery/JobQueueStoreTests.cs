using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sightline.Images;
using Sightline.Processing;
using Sightline.Sequences;
using Sightline.Storage;
using Sightline.Storage.Postgres;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;
using Sightline.Uploads;
using Sightline.Users;

namespace Sightline.Tests.Imagery;

/// <summary>
/// The job queue of the backend under test (SQLite, or PostgreSQL with <c>SIGHTLINE_TEST_DB=postgres</c>) when a worker
/// finishes a job that is no longer its own: its photo was deleted meanwhile and another uploaded (the CI run that saw a
/// re-upload stay "received" for a minute; 18 of 600 re-uploads racing a deletion were done with no thumbnails of their
/// own or never processed), or its lease ran out and another worker claimed it again.
/// </summary>
public sealed class JobQueueStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
    private IUploadStore uploads = null!;
    private IJobQueue queue = null!;
    private PostgresDatabase? postgres;
    private PostgresJobNodes? nodes;
    private SqliteNodeSlot? slot;
    private long userId;

    public async Task InitializeAsync()
    {
        var assembler = new SequenceAssembler(Options.Create(new SequenceOptions()));
        IUserStore users;
        if (PostgresPeer.Selected)
        {
            postgres = new PostgresDatabase(await PostgresPeer.EnsureDatabaseAsync(PostgresPeer.DatabaseName(data)));
            nodes = new PostgresJobNodes(postgres, new JobSignal(), NullLogger<PostgresJobNodes>.Instance);
            (uploads, queue, users) = (new PostgresUploadStore(postgres, assembler), new PostgresJobQueue(postgres, assembler, nodes, TimeProvider.System),
                new PostgresUserStore(postgres));
        }
        else
        {
            var database = new Database(data);
            database.Migrate();
            slot = new SqliteNodeSlot(database);
            (uploads, queue, users) = (new SqliteUploadStore(database, assembler), new SqliteJobQueue(database, assembler, slot, TimeProvider.System),
                new SqliteUserStore(database));
        }
        userId = (await users.AddAsync("worker", "worker@example.org", "correct horse battery staple")).Id;
    }

    public async Task DisposeAsync()
    {
        nodes?.Dispose();
        slot?.Dispose();
        await PostgresPeer.DisposeStoreTestAsync(postgres, data);
    }

    private async Task<IUploadStore.Upload> UploadAsync(string key, char bytes)
    {
        var hash = new string(bytes, 64);
        var hold = await uploads.HoldForUploadAsync(hash) ?? throw new InvalidOperationException("held by a removal");
        return await uploads.AddAsync(userId, key, new IUploadStore.NewImage(null, hash, 1000, 51.05, 3.72, null, 1_700_000_000_000, 1, 640, 480,
            new Camera(null, null, null, null)), hold);
    }

    private async Task<string?> StateAsync(string key) => (await uploads.FindAsync(userId, key))?.ImageState;

    [Fact]
    public async Task AWorkerFinishingADeletedPhotoLeavesTheNextUploadAlone()
    {
        var deleted = await UploadAsync("deleted", 'a');
        var stale = await queue.ClaimAsync(Lease, CancellationToken.None) ?? throw new InvalidOperationException("nothing queued");
        Assert.Equal(deleted.ImageKey, stale.ImageKey);
        var removed = await uploads.DeleteAsync(userId, "deleted") ?? throw new InvalidOperationException("not deleted");
        if (removed.Original is { } removal)
            await uploads.ReleaseAsync(removal); // its file removed, as the deletion's handler does
        var next = await UploadAsync("next", 'a'); // the same bytes, as in the race

        // The newest image's and job's ids were free again on SQLite: the new photo must not be taken for the deleted one.
        Assert.NotEqual(deleted.ImageId, next.ImageId);
        await queue.FailAsync(stale, "the original was removed before it was processed");
        Assert.False(await queue.CompleteAsync(stale));
        Assert.Equal("received", await StateAsync("next"));

        // Its own job is still there, and finishes it.
        var own = await queue.ClaimAsync(Lease, CancellationToken.None) ?? throw new InvalidOperationException("the new photo's job is gone");
        Assert.Equal(next.ImageKey, own.ImageKey);
        Assert.True(await queue.CompleteAsync(own));
        Assert.Equal("done", await StateAsync("next"));
    }

    [Fact]
    public async Task AJobClaimedAgainAfterItsLeaseRanOutIsFinishedByTheNewClaimOnly()
    {
        await UploadAsync("slow", 'b');
        var first = await queue.ClaimAsync(TimeSpan.Zero, CancellationToken.None) ?? throw new InvalidOperationException("nothing queued");
        await Task.Delay(5); // the lease is over
        var second = await queue.ClaimAsync(Lease, CancellationToken.None) ?? throw new InvalidOperationException("the lapsed job was not claimed again");
        Assert.Equal(first.Id, second.Id);
        Assert.NotEqual(first.Claim, second.Claim);

        // The first worker's late failure does not fail what the second is working on, nor take its job.
        await queue.FailAsync(first, "the thumbnails could not be written");
        Assert.Equal("processing", await StateAsync("slow"));
        Assert.True(await queue.RenewAsync(second, Lease));
        Assert.True(await queue.CompleteAsync(first)); // the image is there; its completion is the second claim's
        Assert.Equal("processing", await StateAsync("slow"));
        Assert.True(await queue.CompleteAsync(second));
        Assert.Equal("done", await StateAsync("slow"));
    }
}
