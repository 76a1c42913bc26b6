using Microsoft.Extensions.DependencyInjection;
using Sightline.Applications;
using Sightline.Blurs;
using Sightline.Complaints;
using Sightline.Images;
using Sightline.Me;
using Sightline.Processing;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;
using Sightline.Uploads;
using Sightline.Users;

namespace Sightline.Tests.Backends;

/// <summary>
/// Writers of one image racing each other through the stores, round after round: on PostgreSQL, two transactions that
/// take the same locks in opposite orders deadlock, and PostgreSQL breaks that by failing one of them (a 500, or a
/// worker's lost completion). The order they must all follow is written where the images lock is defined
/// (PostgresJobQueue). No worker runs: the test claims and completes the jobs itself, so that they meet the other side.
/// On the embedded database (one writer) these pass by construction.
/// </summary>
public sealed class LockOrderTests : IAsyncLifetime
{
    private const int Rounds = 15;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly Blur Plate = new("plate", 0.1, 0.1, 0.2, 0.2);

    private TestServer server = null!;
    private Uploader owner = null!;
    private long ownerId;
    private long moderatorId;

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Processing:Workers"] = "0" });
        owner = await Uploader.CreateAsync(server, "lock_owner", "public:upload public:write user:read");
        ownerId = (await Store<IUserStore>().FindByUsernameAsync("lock_owner"))!.Id;
        moderatorId = (await Store<IUserStore>().AddAsync("lock_moderator", "m@example.org", "correct horse battery staple", isAdmin: true)).Id;
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private T Store<T>() where T : notnull => server.Services.GetRequiredService<T>();
    private IJobQueue Jobs => Store<IJobQueue>();

    private static byte[] Photo(int seed) => Photos.Jpeg(new PhotoSpec
    {
        Width = 64, Height = 48, Lat = 48.8566, Lon = 2.3522 + seed * 0.00005, Ca = 90, Taken = new DateTime(2024, 5, 1, 9, 0, 0).AddSeconds(seed * 2), Seed = seed,
    });

    // An upload whose job this test claims and completes, as a worker would (its files are not needed here).
    private async Task<Image> ProcessedAsync(string uploadKey, int seed)
    {
        var key = await owner.UploadAsync(uploadKey, Photo(seed));
        var job = await Jobs.ClaimAsync(Lease, CancellationToken.None);
        Assert.NotNull(job);
        Assert.Equal(key, job.ImageKey);
        Assert.True(await Jobs.CompleteAsync(job));
        return (await Store<IImageStore>().FindVisibleAsync(key, new Viewer(ownerId, CanReadPrivate: true)))!;
    }

    // Both sides start together; a round fails when either throws (PostgreSQL's "deadlock detected" among them).
    private static async Task<string?> RaceAsync(Func<Task> one, Func<Task> other)
    {
        using var start = new SemaphoreSlim(0);
        var tasks = new[] { one, other }.Select(side => Task.Run(async () => { await start.WaitAsync(); await side(); })).ToArray();
        start.Release(2);
        try
        {
            await Task.WhenAll(tasks);
            return null;
        }
        catch
        {
            return string.Join("; ", tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!.Message));
        }
    }

    private static void AssertNoRoundFailed(List<string> failures) =>
        Assert.True(failures.Count == 0, $"{failures.Count} of {Rounds} rounds failed: {string.Join(" | ", failures.Distinct())}");

    [Fact]
    public async Task AnAccountDeletionRacingClaimsAndCompletionsOfItsPhotosFailsNeither()
    {
        // The account's photos are deleted one by one while workers claim and complete their jobs.
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var user = await Uploader.CreateAsync(server, $"leaving_{round}", "public:upload");
            for (var photo = 0; photo < 4; photo++)
                await user.UploadAsync($"p{photo}", Photo(round * 10 + photo));
            var leaving = (await Store<IUserStore>().FindByUsernameAsync($"leaving_{round}"))!;
            async Task WorkAsync()
            {
                while (await Jobs.ClaimAsync(Lease, CancellationToken.None) is { } job)
                    await Jobs.CompleteAsync(job);
            }
            if (await RaceAsync(() => Store<AccountDeletion>().DeleteAsync(leaving, withPhotos: true), () => Task.WhenAll(WorkAsync(), WorkAsync())) is { } failure)
                failures.Add($"round {round}: {failure}");
            while (await Jobs.ClaimAsync(Lease, CancellationToken.None) is { } left)
                await Jobs.DropAsync(left);
        }
        AssertNoRoundFailed(failures);
    }

    [Fact]
    public async Task ABlurApprovalRacingTheCompletionOfThePreviousRederivationFailsNeither()
    {
        // The image's blurs were approved, their re-derivation is claimed and finishing when the next request is approved.
        var image = await ProcessedAsync("blurred", 1);
        var blurs = Store<IBlurStore>();
        await blurs.RequestAsync(image, ownerId, [Plate]);
        Assert.True(await blurs.DecideAsync(image, moderatorId, approve: true));
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var job = await Jobs.ClaimAsync(Lease, CancellationToken.None);
            Assert.NotNull(job);
            Assert.Equal(JobKind.Rederivatives, job.Kind);
            await blurs.RequestAsync(image, ownerId, [Plate with { XMin = 0.01 * round }]);
            if (await RaceAsync(() => Jobs.CompleteRederivationAsync(job, job.DerivativeVersion + 1),
                    () => blurs.DecideAsync(image, moderatorId, approve: true)) is { } failure)
            {
                failures.Add($"round {round}: {failure}");
                // Whichever side lost: the request approved and a re-derivation queued, for the next round.
                if ((await blurs.GetAsync(image.Id)).Pending.Count > 0)
                    await blurs.DecideAsync(image, moderatorId, approve: true);
            }
        }
        AssertNoRoundFailed(failures);
    }

    [Fact]
    public async Task ABlurApprovalRacingThePhotosDeletionFailsNeither()
    {
        // A re-derivation is queued (an earlier approval) when the owner deletes the photo and a moderator approves again.
        var blurs = Store<IBlurStore>();
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var image = await ProcessedAsync($"blur-gone-{round}", 100 + round);
            await blurs.RequestAsync(image, ownerId, [Plate]);
            Assert.True(await blurs.DecideAsync(image, moderatorId, approve: true));
            await blurs.RequestAsync(image, ownerId, [Plate with { XMin = 0.05 }]);
            if (await RaceAsync(() => Store<IUploadStore>().DeleteAsync(ownerId, $"blur-gone-{round}"),
                    () => blurs.DecideAsync(image, moderatorId, approve: true)) is { } failure)
                failures.Add($"round {round}: {failure}");
            // A photo that stayed (its deletion failed) leaves its re-derivation queued: out of the next round's way.
            while (await Jobs.ClaimAsync(Lease, CancellationToken.None) is { } left)
                await Jobs.DropAsync(left);
        }
        AssertNoRoundFailed(failures);
    }

    [Fact]
    public async Task AComplaintUpheldWhileThePhotoIsDeletedFailsNeither()
    {
        var complaints = Store<IComplaintStore>();
        var application = (await Store<IApplicationStore>().FindAsync(owner.ClientId))!;
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var image = await ProcessedAsync($"complained-{round}", 200 + round);
            var complaint = await complaints.FileAsync(image, ownerId, application.Id, "a face is visible");
            if (await RaceAsync(() => Store<IUploadStore>().DeleteAsync(ownerId, $"complained-{round}"),
                    () => complaints.ResolveAsync(complaint, moderatorId, ComplaintDecision.Uphold)) is { } failure)
                failures.Add($"round {round}: {failure}");
        }
        AssertNoRoundFailed(failures);
    }
}
