using static Sightline.Tests.Search.Reference;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>Private project images: only members with private:read, only when they ask for the project.</summary>
[Collection(SearchArchiveCollection.Name)]
public sealed class SearchPrivacyTests(SearchArchive archive)
{
    private static readonly string[] ImagePaths = ["/v2/search/im", "/v2/search/im/geojson"];

    private HashSet<string> PrivateKeys => archive.Images.Where(i => i.Project is not null).Select(i => i.Key).ToHashSet();

    [Theory]
    [InlineData(null)]
    [InlineData("stranger")]
    [InlineData("owner")]
    [InlineData("member")]
    public async Task PublicSearchesNeverShowProjectImagesToAnyone(string? user)
    {
        Assert.NotEmpty(PrivateKeys);
        foreach (var path in ImagePaths)
            Assert.DoesNotContain((await WalkAsync(archive, path, "x=1", 1000, user)).Select(w => w.Key), PrivateKeys.Contains);
        var city = await WalkAsync(archive, "/v2/search/im/close", "lat=52.37&lon=4.89&distance=5000", 1000, user);
        Assert.DoesNotContain(city.Select(w => w.Key), PrivateKeys.Contains);
        var sequences = await archive.GetAsync("/v2/search/s/ul?limit=1000", user);
        var privateSequences = archive.Images.Where(i => i.Project is not null).Select(i => i.SequenceKey).ToHashSet();
        Assert.DoesNotContain(sequences.GetProperty("ss").EnumerateArray().Select(s => s.GetProperty("key").GetString()!), privateSequences.Contains);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("member")]
    public async Task MembersWithPrivateReadSeeTheirProject(string user)
    {
        var expected = Newest(archive.Visible("survey"), _ => true);
        Assert.NotEmpty(expected);
        foreach (var path in ImagePaths)
            Assert.Equal(expected, (await WalkAsync(archive, path, "project=survey", 50, user)).Select(w => w.Key).ToList());
        var near = Nearest(archive.Visible("survey"), 52.37, 4.89, 5000, _ => true);
        var walked = await WalkAsync(archive, "/v2/search/im/close", "project=survey&lat=52.37&lon=4.89&distance=5000", 50, user);
        Assert.Equal(near.Select(n => (n.Key, (double?)n.Distance)).ToList(), walked);
        // And never the other project's images, nor public ones.
        Assert.DoesNotContain(archive.Images.Where(i => i.Project != "survey").Select(i => i.Key), expected.Contains);
    }

    [Fact]
    public async Task AStrangerAsksForTheProjectAndFindsNothingThere()
    {
        foreach (var path in ImagePaths.Append("/v2/search/s").Append("/v2/search/im/geojson/randomimage"))
        {
            var message = await ContractAssert.Error(await archive.SendAsync($"{path}?project=survey", "stranger"), "not_found");
            Assert.Contains("survey", message);
        }
        await ContractAssert.Error(await archive.SendAsync("/v2/search/im/close?project=survey&lat=52.37&lon=4.89", "stranger"), "not_found");
        await ContractAssert.Error(await archive.SendAsync("/v2/search/im?project=no-such-project", "owner"), "not_found");
    }

    [Fact]
    public async Task ProjectSearchesNeedATokenWithPrivateRead()
    {
        var message = await ContractAssert.Error(await archive.SendAsync("/v2/search/im?project=survey"), "user_not_authenticated");
        Assert.Contains("private:read", message);
        message = await ContractAssert.Error(await archive.SendAsync("/v2/search/im?project=survey", token: archive.MemberWithoutPrivateRead), "user_not_authenticated");
        Assert.Contains("private:read", message);
        // The scope is judged before the parameters.
        await ContractAssert.Error(await archive.SendAsync("/v2/search/im?project=survey&min_lat=x"), "user_not_authenticated");
    }

    [Theory]
    [InlineData("me=true")]
    [InlineData("me=1")]
    [InlineData("hidden=true")]
    public async Task MeAndHiddenNeedAUser(string query)
    {
        var message = await ContractAssert.Error(await archive.SendAsync($"/v2/search/im?{query}"), "user_not_authenticated");
        Assert.Contains(query.Split('=')[0], message);
        await ContractAssert.Error(await archive.SendAsync($"/v2/search/im/close?lat=1&lon=1&{query}"), "user_not_authenticated");
        // Any valid token will do, even without private:read.
        using var ok = await archive.SendAsync($"/v2/search/im?{query}", token: archive.MemberWithoutPrivateRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task ProjectSequencesAreFoundOnlyByMembers()
    {
        var expected = archive.Visible("survey").Select(i => i.SequenceKey).ToHashSet();
        var json = await archive.GetAsync("/v2/search/s/ul?project=survey&limit=1000", "member");
        Assert.Equal(expected.Order(StringComparer.Ordinal), json.GetProperty("ss").EnumerateArray().Select(s => s.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));
    }
}
