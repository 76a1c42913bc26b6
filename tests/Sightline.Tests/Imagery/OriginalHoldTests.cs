using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using Sightline.Images;
using Sightline.Sequences;
using Sightline.Storage.Postgres;
using Sightline.Storage;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;
using Sightline.Uploads;

namespace Sightline.Tests.Imagery;

/// <summary>
/// Holds on originals (<see cref="IUploadStore.OriginalHold"/>) at the upload store of the backend under test (SQLite, or
/// PostgreSQL with <c>SIGHTLINE_TEST_DB=postgres</c>): identical files are stored once, so a re-upload of the same bytes
/// must not lose its file to the deletion of their last upload. The race itself over HTTP is in <see cref="UploadTests"/>.
/// </summary>
public sealed class OriginalHoldTests : IAsyncLifetime
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
    private IUploadStore uploads = null!;
    private Func<Task<DbConnection>> open = null!;
    private PostgresDatabase? postgres;
    private long userId;

    public async Task InitializeAsync()
    {
        var sequenceOptions = Options.Create(new SequenceOptions());
        if (PostgresPeer.Selected)
        {
            postgres = new PostgresDatabase(await PostgresPeer.EnsureDatabaseAsync(PostgresPeer.DatabaseName(data)));
            uploads = new PostgresUploadStore(postgres, new SequenceAssembler(sequenceOptions));
            userId = (await new PostgresUserStore(postgres).AddAsync("holder", "holder@example.org", "correct horse battery staple")).Id;
            open = async () => await postgres.OpenAsync();
        }
        else
        {
            var database = new Database(data);
            database.Migrate();
            uploads = new SqliteUploadStore(database, new SequenceAssembler(sequenceOptions));
            userId = (await new SqliteUserStore(database).AddAsync("holder", "holder@example.org", "correct horse battery staple")).Id;
            open = async () => await database.OpenAsync();
        }
    }

    public Task DisposeAsync() => PostgresPeer.DisposeStoreTestAsync(postgres, data);

    private static string Hash(char c) => new(c, 64);

    private async Task<IUploadStore.Upload> AddAsync(string uploadKey, string hash)
    {
        var hold = await uploads.HoldForUploadAsync(hash) ?? throw new InvalidOperationException("held by a removal");
        return await uploads.AddAsync(userId, uploadKey, new IUploadStore.NewImage(null, hash, 1000, 51.05, 3.72, null,
            1_700_000_000_000, 1, 640, 480, new Camera(null, null, null, null)), hold);
    }

    [Fact]
    public async Task DeletingTheLastUploadOfAnOriginalHoldsItAgainstUploadsUntilItsFileIsGone()
    {
        var hash = Hash('a');
        await AddAsync("first", hash);
        var removed = await uploads.DeleteAsync(userId, "first");
        var removal = Assert.IsType<IUploadStore.OriginalHold>(removed!.Original);
        Assert.Equal(hash, removal.ContentHash);

        Assert.Null(await uploads.HoldForUploadAsync(hash)); // the file may be deleted at any moment: wait
        Assert.NotNull(await uploads.HoldForUploadAsync(Hash('b'))); // other content is not held up
        await uploads.ReleaseAsync(removal);
        Assert.NotNull(await uploads.HoldForUploadAsync(hash));
    }

    [Fact]
    public async Task AnUploadPuttingTheSameBytesKeepsTheOriginalFromBeingRemoved()
    {
        var hash = Hash('c');
        await AddAsync("first", hash);
        var inFlight = await uploads.HoldForUploadAsync(hash); // a re-upload between its hold and its record
        Assert.NotNull(inFlight);

        Assert.Null((await uploads.DeleteAsync(userId, "first"))!.Original);
        await uploads.AddAsync(userId, "again", new IUploadStore.NewImage(null, hash, 1000, 51.05, 3.72, null,
            1_700_000_000_000, 1, 640, 480, new Camera(null, null, null, null)), inFlight!);
        // Recorded, its hold is given back: the last upload's deletion removes the file.
        Assert.NotNull((await uploads.DeleteAsync(userId, "again"))!.Original);
    }

    [Fact]
    public async Task AnOriginalIsRemovedOnlyWhenNoUploadNeedsIt()
    {
        var hash = Hash('d');
        await AddAsync("one", hash);
        await AddAsync("two", hash);
        Assert.Null((await uploads.DeleteAsync(userId, "one"))!.Original);
        var forgotten = await uploads.ForgetOriginalAsync(userId, "two");
        Assert.Equal(hash, forgotten!.Original?.ContentHash);
        // Forgotten twice: the file is already gone, nothing is held again.
        await uploads.ReleaseAsync(forgotten.Original!);
        Assert.Null((await uploads.ForgetOriginalAsync(userId, "two"))!.Original);
        Assert.Null(await uploads.DeleteAsync(userId, "never"));
    }

    [Fact]
    public async Task TheSweepHoldsOnlyOriginalsNoUploadNeedsOrHolds()
    {
        var (used, free, held) = (Hash('e'), Hash('f'), Hash('1'));
        await AddAsync("used", used);
        Assert.NotNull(await uploads.HoldForUploadAsync(held));

        var orphans = await uploads.HoldUnusedAsync([used, free, held]);
        Assert.Equal([free], orphans.Select(o => o.ContentHash));
        Assert.Null(await uploads.HoldForUploadAsync(free));
    }

    [Fact]
    public async Task ARemovalItsProcessDidNotFinishIsHandedOverOnceItsHoldExpired()
    {
        // Killed between committing the deletion and removing the file: the hold stays, and so would the original.
        var (abandoned, reuploaded, young) = (Hash('4'), Hash('5'), Hash('6'));
        await AddAsync("abandoned", abandoned);
        Assert.NotNull((await uploads.DeleteAsync(userId, "abandoned"))!.Original);
        await AddAsync("reuploaded", reuploaded);
        Assert.NotNull((await uploads.DeleteAsync(userId, "reuploaded"))!.Original);
        await using (var connection = await open())
            await connection.ExecuteAsync("UPDATE original_holds SET since = since - @age",
                new { age = (long)IUploadStore.RemovalHoldLifetime.TotalMilliseconds + 1 });
        await AddAsync("young", young);
        Assert.NotNull((await uploads.DeleteAsync(userId, "young"))!.Original); // a live process's removal, still under way

        var expired = await uploads.DropExpiredRemovalHoldsAsync();
        Assert.Equal([abandoned, reuploaded], expired.Order(StringComparer.Ordinal));
        await AddAsync("again", reuploaded); // the same bytes uploaded once more before the file is removed: kept
        var removals = await uploads.HoldUnusedAsync(expired);
        Assert.Equal([abandoned], removals.Select(r => r.ContentHash));
        Assert.Empty(await uploads.DropExpiredRemovalHoldsAsync());
        Assert.Null(await uploads.HoldForUploadAsync(young));
    }

    [Fact]
    public async Task HoldsOfAProcessThatDiedExpire()
    {
        var (removedEarlier, uploadedEarlier) = (Hash('2'), Hash('3'));
        await AddAsync("gone", removedEarlier);
        Assert.NotNull((await uploads.DeleteAsync(userId, "gone"))!.Original); // never released: the process died
        await AddAsync("kept", uploadedEarlier);
        Assert.NotNull(await uploads.HoldForUploadAsync(uploadedEarlier)); // never recorded: the process died

        Assert.Null(await uploads.HoldForUploadAsync(removedEarlier));
        Assert.Null((await uploads.DeleteAsync(userId, "kept"))!.Original);
        await AddAsync("kept-again", uploadedEarlier);

        await using (var connection = await open())
            await connection.ExecuteAsync("UPDATE original_holds SET since = since - @age",
                new { age = (long)IUploadStore.UploadHoldLifetime.TotalMilliseconds + 1 });
        Assert.NotNull(await uploads.HoldForUploadAsync(removedEarlier));
        Assert.NotNull((await uploads.DeleteAsync(userId, "kept-again"))!.Original);
    }
}
