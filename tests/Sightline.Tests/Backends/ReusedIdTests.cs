using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sightline.Comments;
using Sightline.Images;
using Sightline.Processing;
using Sightline.Projects;
using Sightline.Sequences;
using Sightline.Storage;
using Sightline.Storage.Postgres;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;
using Sightline.Uploads;
using Sightline.Users;

namespace Sightline.Tests.Backends;

/// <summary>
/// Work that read a row, then writes to it by its id, when the row was deleted meanwhile and another made (SQLite gives a new
/// row the largest id plus one, so the newest row's id, once deleted, goes to the next): it must not write to the new row.
/// On the backend under test (SQLite, or PostgreSQL with <c>SIGHTLINE_TEST_DB=postgres</c>, whose ids are never reused but
/// where the same guards hold). Found by the CI run that saw a re-upload stay "received" for a minute: 18 of 600 re-uploads
/// racing the deletion of their bytes' last upload were then done with no thumbnails of their own or never processed.
/// </summary>
public sealed class ReusedIdTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
    private IUploadStore uploads = null!;
    private IJobQueue queue = null!;
    private ISequenceStore sequences = null!;
    private ICommentStore comments = null!;
    private IImageStore images = null!;
    private IProjectStore projects = null!;
    private PostgresDatabase? postgres;
    private PostgresJobNodes? nodes;
    private SqliteNodeSlot? slot;
    private long userId;
    private long otherId;

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
            images = new PostgresImageStore(postgres);
            (sequences, comments) = (new PostgresSequenceStore(postgres, images), new PostgresCommentStore(postgres, TimeProvider.System));
            projects = new PostgresProjectStore(postgres, users);
        }
        else
        {
            var database = new Database(data);
            database.Migrate();
            slot = new SqliteNodeSlot(database);
            (uploads, queue, users) = (new SqliteUploadStore(database, assembler), new SqliteJobQueue(database, assembler, slot, TimeProvider.System),
                new SqliteUserStore(database));
            images = new SqliteImageStore(database);
            (sequences, comments) = (new SqliteSequenceStore(database, images), new SqliteCommentStore(database, TimeProvider.System));
            projects = new SqliteProjectStore(database, users);
        }
        userId = (await users.AddAsync("worker", "worker@example.org", "correct horse battery staple")).Id;
        otherId = (await users.AddAsync("other", "other@example.org", "correct horse battery staple")).Id;
    }

    public async Task DisposeAsync()
    {
        nodes?.Dispose();
        slot?.Dispose();
        await PostgresPeer.DisposeStoreTestAsync(postgres, data);
    }

    private async Task<IUploadStore.Upload> UploadAsync(string key, char bytes, long? by = null)
    {
        var hash = new string(bytes, 64);
        var hold = await uploads.HoldForUploadAsync(hash) ?? throw new InvalidOperationException("held by a removal");
        return await uploads.AddAsync(by ?? userId, key, new IUploadStore.NewImage(null, hash, 1000, 51.05, 3.72, null, 1_700_000_000_000, 1, 640, 480,
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
        Assert.Equal(IJobQueue.Failure.ImageDeleted, await queue.FailAsync(stale, "the original was removed before it was processed"));
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

        // The first worker's late failure does not fail what the second is working on, nor take its job, and says so (the
        // worker then leaves the thumbnails alone: they are the second claim's).
        Assert.Equal(IJobQueue.Failure.ClaimedAgain, await queue.FailAsync(first, "the thumbnails could not be written"));
        Assert.Equal("processing", await StateAsync("slow"));
        Assert.True(await queue.RenewAsync(second, Lease));
        Assert.True(await queue.CompleteAsync(first)); // the image is there; its completion is the second claim's
        Assert.Equal("processing", await StateAsync("slow"));
        Assert.True(await queue.CompleteAsync(second));
        Assert.Equal("done", await StateAsync("slow"));
    }

    [Fact]
    public async Task AFailureByTheClaimThatHoldsTheJobFailsTheImage()
    {
        await UploadAsync("broken", 'c');
        var job = await queue.ClaimAsync(Lease, CancellationToken.None) ?? throw new InvalidOperationException("nothing queued");
        Assert.Equal(IJobQueue.Failure.Recorded, await queue.FailAsync(job, "the photo could not be decoded"));
        Assert.Equal("failed", await StateAsync("broken"));
        Assert.Null(await queue.ClaimAsync(Lease, CancellationToken.None));
    }

    // An upload processed: done, and in a sequence of its own (its owner's first photo there).
    private async Task<IUploadStore.Upload> ProcessedAsync(string key, char bytes, long? by = null)
    {
        await UploadAsync(key, bytes, by);
        var job = await queue.ClaimAsync(Lease, CancellationToken.None) ?? throw new InvalidOperationException("nothing queued");
        Assert.True(await queue.CompleteAsync(job));
        return await uploads.FindAsync(by ?? userId, key) ?? throw new InvalidOperationException("gone");
    }

    [Fact]
    public async Task AMoveOfASequenceDeletedSinceItWasReadLeavesTheNextSequenceWhereItIs()
    {
        var project = await projects.AddAsync("survey", "Survey", "worker");
        var own = await ProcessedAsync("own", 'c');
        var sequenceKey = (await images.FindVisibleAsync(own.ImageKey, Viewer.Anonymous))?.SequenceKey ?? throw new InvalidOperationException("in no sequence");
        var read = await sequences.FindOwnedAsync(sequenceKey, userId) ?? throw new InvalidOperationException("not found");
        Assert.NotNull(await uploads.DeleteAsync(userId, "own")); // its last photo: the sequence goes with it
        await ProcessedAsync("others", 'd', otherId); // another user's photo, in a sequence made since

        // The owner's move into their project, judged on the sequence read before, must not take the other user's with it.
        Assert.False(await sequences.MoveToProjectAsync(read, project.Id));
        Assert.Null((await uploads.FindAsync(otherId, "others"))!.ProjectId);
    }

    [Fact]
    public async Task ASequenceIsNeverGivenTheIdOfOneDeleted()
    {
        var own = await ProcessedAsync("first", 'g');
        var sequenceKey = (await images.FindVisibleAsync(own.ImageKey, Viewer.Anonymous))?.SequenceKey ?? throw new InvalidOperationException("in no sequence");
        var deleted = await sequences.FindOwnedAsync(sequenceKey, userId) ?? throw new InvalidOperationException("not found");
        Assert.NotNull(await uploads.DeleteAsync(userId, "first")); // its last photo: the sequence goes with it

        var next = await ProcessedAsync("second", 'h', otherId);
        var nextKey = (await images.FindVisibleAsync(next.ImageKey, Viewer.Anonymous))?.SequenceKey ?? throw new InvalidOperationException("in no sequence");
        var made = await sequences.FindOwnedAsync(nextKey, otherId) ?? throw new InvalidOperationException("not found");
        Assert.NotEqual(deleted.Key, made.Key);
        Assert.NotEqual(deleted.Id, made.Id);
    }

    [Fact]
    public async Task ADeletionOfACommentDeletedSinceItWasReadLeavesTheNextCommentAlone()
    {
        var photo = await ProcessedAsync("commented", 'e');
        var image = new Image { Id = photo.ImageId, Key = photo.ImageKey, UserId = userId };
        var added = await comments.AddAsync(image, userId, "first");
        var first = await comments.FindVisibleAsync(added.Key, Viewer.Anonymous) ?? throw new InvalidOperationException("not found"); // as the handler reads it
        Assert.True(await comments.DeleteAsync(first));
        var next = await comments.AddAsync(image, otherId, "next");

        Assert.False(await comments.DeleteAsync(first)); // a second deletion of the first, read before it went
        Assert.Equal([next.Key], (await comments.ForImageAsync(photo.ImageId)).Select(c => c.Key));
    }

    [Fact]
    public async Task AHoldOnAnOriginalIsNeverGivenTheIdOfOneReleased()
    {
        // A removal hold released late (its deletion stalled past the hold's lifetime) must not release a newer hold.
        var first = await uploads.HoldForUploadAsync(new string('f', 64)) ?? throw new InvalidOperationException("held by a removal");
        await uploads.ReleaseAsync(first);
        var next = await uploads.HoldForUploadAsync(new string('f', 64)) ?? throw new InvalidOperationException("held by a removal");
        Assert.NotEqual(first.Id, next.Id);
    }
}
