using Microsoft.Extensions.Options;
using Sightline.Applications;
using Sightline.Complaints;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Sequences;
using Sightline.Storage;
using Sightline.Storage.Postgres;
using Sightline.Storage.Sqlite;
using Sightline.Tests.Infrastructure;
using Sightline.Uploads;
using Sightline.Users;

namespace Sightline.Tests.Community;

/// <summary>
/// The complaint store of the backend under test (SQLite, or PostgreSQL with <c>SIGHTLINE_TEST_DB=postgres</c>) at the
/// moment an HTTP race cannot be made to hit: the photo complained about is deleted between the handler's look-up and the
/// complaint's insert.
/// </summary>
public sealed class ComplaintStoreTests : IAsyncLifetime
{
    private readonly string data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
    private IUploadStore uploads = null!;
    private IComplaintStore complaints = null!;
    private PostgresDatabase? postgres;
    private long userId;
    private long applicationId;

    public async Task InitializeAsync()
    {
        var assembler = new SequenceAssembler(Options.Create(new SequenceOptions()));
        IApplicationStore applications;
        IUserStore users;
        if (PostgresPeer.Selected)
        {
            postgres = new PostgresDatabase(await PostgresPeer.EnsureDatabaseAsync(PostgresPeer.DatabaseName(data)));
            (uploads, complaints) = (new PostgresUploadStore(postgres, assembler), new PostgresComplaintStore(postgres, assembler, TimeProvider.System));
            (applications, users) = (new PostgresApplicationStore(postgres), new PostgresUserStore(postgres));
        }
        else
        {
            var database = new Database(data);
            database.Migrate();
            (uploads, complaints) = (new SqliteUploadStore(database, assembler), new SqliteComplaintStore(database, assembler, TimeProvider.System));
            (applications, users) = (new SqliteApplicationStore(database), new SqliteUserStore(database));
        }
        userId = (await users.AddAsync("complainer", "complainer@example.org", "correct horse battery staple")).Id;
        applicationId = (await applications.AddAsync("reporter", ["http://127.0.0.1/callback"])).Application.Id;
    }

    public Task DisposeAsync() => PostgresPeer.DisposeStoreTestAsync(postgres, data);

    [Fact]
    public async Task AComplaintAboutAPhotoDeletedSinceItWasReadIsNotFound()
    {
        var hold = await uploads.HoldForUploadAsync(new string('c', 64)) ?? throw new InvalidOperationException("held by a removal");
        var upload = await uploads.AddAsync(userId, "complained-about", new IUploadStore.NewImage(null, new string('c', 64), 1000, 51.05, 3.72,
            null, 1_700_000_000_000, 1, 640, 480, new Camera(null, null, null, null)), hold);
        var image = new Image { Id = upload.ImageId, Key = upload.ImageKey };
        Assert.NotNull(await uploads.DeleteAsync(userId, "complained-about"));

        // The answer a handler gives when the look-up itself misses: not_found, not the foreign key's failure (a 500).
        var refused = await Assert.ThrowsAsync<ApiException>(() => complaints.FileAsync(image, userId, applicationId, "a face"));
        Assert.Equal(ErrorCode.NotFound, refused.Code);
    }
}
