using System.Net;
using Sightline.Tests.Community;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>
/// DELETE /v2/me/uploads/images/{key} sent several times at once for one photo (a double click in "My photos", a client's
/// retry), by upload key and by image key, while it is processed, and while a moderator upholds a complaint about it:
/// one deletion is acknowledged, the others are not_found, none is an internal error, and the photo is gone.
/// On PostgreSQL (no single writer) the losers answered 500 (audit-races finding 2).
/// </summary>
public sealed class DeletionRaceTests : IAsyncLifetime
{
    private const int Rounds = 4;
    private const int AtOnce = 8;

    private Cast cast = null!;

    public async Task InitializeAsync() => cast = await Cast.StartAsync();

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private Task<HttpResponseMessage> Delete(string key) => cast.Owner.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/{key}");

    // Half by upload key, half by image key; what each round got wrong, if anything.
    private async Task<string?> DeleteAtOnceAsync(string uploadKey, string imageKey, params Func<Task<HttpResponseMessage>>[] others)
    {
        var deletions = Enumerable.Range(0, AtOnce).Select(i => Delete(i % 2 == 0 ? uploadKey : imageKey)).ToList();
        var rest = others.Select(other => other()).ToList();
        var answers = await Task.WhenAll(deletions);
        var statuses = answers.Select(a => (int)a.StatusCode).ToList();
        // A moderator's decision about a photo being deleted is made or not_found, never an internal error either.
        foreach (var other in await Task.WhenAll(rest))
            if (other.StatusCode != HttpStatusCode.OK && (await ContractAssert.ErrorBody(other)).Code != "not_found")
                return $"{imageKey}: {(int)other.StatusCode} {await other.Content.ReadAsStringAsync()} beside the deletions";
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
            if ((int)refused.StatusCode != 404 || (await ContractAssert.ErrorBody(refused)).Code != "not_found")
                return $"{imageKey}: {string.Join(",", statuses)} {await refused.Content.ReadAsStringAsync()}";
        if (statuses.Count(s => s == 200) != 1)
            return $"{imageKey}: {statuses.Count(s => s == 200)} deletions acknowledged";
        using var after = await cast.Owner.SendAsync(HttpMethod.Get, $"/v2/im/{imageKey}");
        if (after.StatusCode != HttpStatusCode.NotFound)
            return $"{imageKey}: still {(int)after.StatusCode} for its owner after the deletion";
        using var upload = await cast.Owner.SendAsync(HttpMethod.Get, $"/v2/me/uploads/images/{uploadKey}");
        return upload.StatusCode == HttpStatusCode.NotFound ? null : $"{uploadKey}: the upload is still {(int)upload.StatusCode}";
    }

    private static void AssertNoRoundFailed(List<string> failures) =>
        Assert.True(failures.Count == 0, $"{failures.Count} of {Rounds} rounds failed: {string.Join(" | ", failures)}");

    [Fact]
    public async Task OfDeletionsRacingForOneProcessedPhotoOneIsAcknowledged()
    {
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var imageKey = (await cast.Owner.UploadProcessedAsync($"twice-{round}", Photos.Jpeg(Cast.Spec(100 + round)))).GetProperty("key").GetString()!;
            if (await DeleteAtOnceAsync($"twice-{round}", imageKey) is { } failure)
                failures.Add(failure);
        }
        AssertNoRoundFailed(failures);
    }

    [Fact]
    public async Task OfDeletionsRacingForOnePhotoBeingProcessedOneIsAcknowledged()
    {
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var imageKey = await cast.Owner.UploadAsync($"fresh-{round}", Photos.Jpeg(Cast.Spec(200 + round)));
            if (await DeleteAtOnceAsync($"fresh-{round}", imageKey) is { } failure)
                failures.Add(failure);
        }
        AssertNoRoundFailed(failures);
    }

    [Fact]
    public async Task TheOwnersDeletionRacingAnUpheldComplaintIsNeverLost()
    {
        var failures = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var imageKey = (await cast.Owner.UploadProcessedAsync($"complained-{round}", Photos.Jpeg(Cast.Spec(300 + round)))).GetProperty("key").GetString()!;
            await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{imageKey}/complain", new { cm = "a face is visible" }));
            var complaint = (await cast.Admin.GetJsonAsync("/v2/complaints")).GetProperty("complaints").EnumerateArray()
                .Single(c => c.GetProperty("mkey").GetString() == imageKey).GetProperty("key").GetString()!;
            Func<Task<HttpResponseMessage>> decide(string decision) => () => cast.Admin.SendAsync(HttpMethod.Post, $"/v2/complaints/{complaint}?decision={decision}");
            if (await DeleteAtOnceAsync($"complained-{round}", imageKey, decide("uphold"), decide("uphold"), decide("dismiss")) is { } failure)
                failures.Add(failure);
        }
        AssertNoRoundFailed(failures);
    }
}
