using System.Net;
using System.Text;
using Sightline.Tests.Community;
using Sightline.Tests.Infrastructure;
using static Sightline.Tests.Projects.ProjectMoveWorld;

namespace Sightline.Tests.Projects;

/// <summary>
/// <c>PUT /v2/s/{key}/project</c> (org:write): the owner moves a whole sequence into one of their projects and back out,
/// and every read path (v2 by key, searches, tiles, STAC) follows at once, for strangers and for project members.
/// </summary>
public sealed class SequenceMoveTests(ProjectMoveWorld world) : IClassFixture<ProjectMoveWorld>
{
    // What a member of the project finds of a private sequence: by key (v2 and STAC) and in project searches; never in the
    // public tiles, nor in STAC searches, which list public photos only.
    private static readonly Sight MemberSeesPrivate = new(true, true, 2, true, false, true, 0);
    private static readonly Sight PublicToAReaderWithAToken = Sight.Everything with { Tile = false };

    [Fact]
    public async Task APublicSequenceMovedIntoAProjectVanishesForStrangersAtOnceAndComesBackWhenMovedOut()
    {
        var sequence = await world.SequenceAsync();
        Assert.Equal(Sight.Everything, await world.SeenByAsync(null, sequence));
        Assert.Equal(PublicToAReaderWithAToken, await world.SeenByAsync(world.Stranger, sequence));

        await Member.AcknowledgedAsync(await MoveAsync(world.Owner, sequence.Sequence, $$"""{"project":"{{Survey}}"}"""));
        Assert.Equal(Sight.Nothing, await world.SeenByAsync(null, sequence));
        Assert.Equal(Sight.Nothing, await world.SeenByAsync(world.Stranger, sequence));
        Assert.Equal(MemberSeesPrivate, await world.SeenByAsync(world.ProjectMember, sequence, Survey));
        Assert.Equal(MemberSeesPrivate, await world.SeenByAsync(world.Owner, sequence, Survey));
        // Every image moved with the sequence: the image says so to a member, and public searches no longer list any.
        Assert.Equal(sequence.Sequence, (await world.ProjectMember.GetJsonAsync($"/v2/im/{sequence.Images[1]}")).GetProperty("sequence_key").GetString());
        Assert.Equal(0, (await world.SeenByAsync(world.ProjectMember, sequence)).ImageSearch);

        await Member.AcknowledgedAsync(await MoveAsync(world.Owner, sequence.Sequence, """{"project":null}"""));
        Assert.Equal(Sight.Everything, await world.SeenByAsync(null, sequence));
        Assert.Equal(PublicToAReaderWithAToken, await world.SeenByAsync(world.Stranger, sequence));
        var inProject = await world.SeenByAsync(world.ProjectMember, sequence, Survey);
        Assert.Equal((0, false), (inProject.ImageSearch, inProject.SequenceSearch));
    }

    [Fact]
    public async Task ASequenceUploadedIntoAProjectMovesOutToPublicAndIntoAnotherProject()
    {
        var sequence = await world.SequenceAsync(Survey);
        var before = (await world.Owner.GetJsonAsync("/v2/status")).GetProperty("images").GetInt64();
        Assert.Equal(Sight.Nothing, await world.SeenByAsync(null, sequence));

        // A form body, the empty value meaning "public".
        await Member.AcknowledgedAsync(await world.Owner.SendAsync(HttpMethod.Put, $"/v2/s/{sequence.Sequence}/project",
            new FormUrlEncodedContent([new("project", "")])));
        Assert.Equal(Sight.Everything, await world.SeenByAsync(null, sequence));
        Assert.Equal(before + 2, (await world.Owner.GetJsonAsync("/v2/status")).GetProperty("images").GetInt64());

        // Into the owner's second project, of which the survey member is not a member: they lose it.
        await Member.AcknowledgedAsync(await world.Owner.SendAsync(HttpMethod.Put, $"/v2/s/{sequence.Sequence}/project",
            new FormUrlEncodedContent([new("project", Second)])));
        Assert.Equal(Sight.Nothing, await world.SeenByAsync(null, sequence));
        Assert.Equal(Sight.Nothing, await world.SeenByAsync(world.ProjectMember, sequence));
        Assert.Equal(MemberSeesPrivate, await world.SeenByAsync(world.Owner, sequence, Second));
        Assert.Equal(before, (await world.Owner.GetJsonAsync("/v2/status")).GetProperty("images").GetInt64());
    }

    [Fact]
    public async Task APrivateSequenceIsNotFoundByTheMemberOfAnotherProject()
    {
        // The stranger reads private objects and owns a project of their own; that opens no other project's sequences
        // (the sequence stores once matched a member of any project).
        var sequence = await world.SequenceAsync(Survey);
        Assert.Equal(Sight.Nothing, await world.SeenByAsync(world.Stranger, sequence));
        Assert.Equal(MemberSeesPrivate, await world.SeenByAsync(world.ProjectMember, sequence, Survey));
    }

    [Fact]
    public async Task MovingASequenceWhereItAlreadyIsChangesNothing()
    {
        var sequence = await world.SequenceAsync(Survey);
        await Member.AcknowledgedAsync(await MoveAsync(world.Owner, sequence.Sequence, $$"""{"project":"{{Survey}}"}"""));
        Assert.Equal(MemberSeesPrivate, await world.SeenByAsync(world.ProjectMember, sequence, Survey));
    }

    [Fact]
    public async Task ConcurrentMovesOfOnesOwnSequenceAreEachAcknowledged()
    {
        // A double click on "Move to", or two tabs: the same move, or moves back and forth, sent at once. Each is done or
        // finds the sequence already where it asks (changing nothing); none hears that the owner's sequence does not exist
        // (before: 30 of these 60 were not_found).
        var sequence = await world.SequenceAsync(Survey);
        var answers = new List<string>();
        string[] bodies = [$$"""{"project":"{{Survey}}"}""", """{"project":null}"""];
        for (var round = 0; round < 6; round++)
        {
            // Rounds 0-2: ten moves out of the project at once (the sequence is put back into it before each); rounds 3-5: ten
            // moves alternating in and out.
            if (round < 3)
                await Member.AcknowledgedAsync(await MoveAsync(world.Owner, sequence.Sequence, bodies[0]));
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var moves = Enumerable.Range(0, 10).Select(async i =>
            {
                await start.Task;
                using var response = await MoveAsync(world.Owner, sequence.Sequence, round < 3 ? bodies[1] : bodies[i % 2]);
                return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }).ToArray();
            start.SetResult();
            answers.AddRange(await Task.WhenAll(moves));
        }
        var refused = answers.Where(a => !a.StartsWith("200 ", StringComparison.Ordinal)).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {answers.Count} moves refused: {refused.FirstOrDefault()}");

        // The sequence and its images still move together.
        await Member.AcknowledgedAsync(await MoveAsync(world.Owner, sequence.Sequence, """{"project":null}"""));
        Assert.Equal(Sight.Everything, await world.SeenByAsync(null, sequence));
    }

    [Fact]
    public async Task TheCallNeedsATokenWithOrgWrite()
    {
        var sequence = await world.SequenceAsync();
        var body = $$"""{"project":"{{Survey}}"}""";
        var message = await ContractAssert.Error(await MoveAsync(world.Owner.Anonymous(), sequence.Sequence, body), "user_not_authenticated");
        Assert.Contains("org:write", message);
        var readOnly = await world.Owner.WithScopesAsync("private:read private:write public:write org:read");
        message = await ContractAssert.Error(await MoveAsync(readOnly, sequence.Sequence, body), "user_not_authenticated");
        Assert.Contains("org:write", message);
        // The scope is judged before the parameters (CONTRACT.md §4).
        await ContractAssert.Error(await MoveAsync(readOnly, "bad", "{}"), "user_not_authenticated");
        Assert.Equal(Sight.Everything, await world.SeenByAsync(null, sequence));
    }

    [Fact]
    public async Task BadParametersAreRefusedByName()
    {
        var sequence = await world.SequenceAsync();
        var message = await ContractAssert.Error(await MoveAsync(world.Owner, sequence.Sequence, "{}"), "parameter_missing");
        Assert.Contains("project", message);
        message = await ContractAssert.Error(await world.Owner.SendAsync(HttpMethod.Put, $"/v2/s/{sequence.Sequence}/project",
            new FormUrlEncodedContent([new("other", "x")])), "parameter_missing");
        Assert.Contains("project", message);
        message = await ContractAssert.Error(await MoveAsync(world.Owner, sequence.Sequence, """{"project":"Not A Key!"}"""), "parameter_invalid");
        Assert.Contains("project", message);
        message = await ContractAssert.Error(await MoveAsync(world.Owner, sequence.Sequence, """{"project":7}"""), "parameter_invalid");
        Assert.Contains("project", message);
        message = await ContractAssert.Error(await MoveAsync(world.Owner, "not-a-sequence-key", $$"""{"project":"{{Survey}}"}"""), "parameter_invalid");
        Assert.Contains("key", message);
        message = await ContractAssert.Error(await world.Owner.SendAsync(HttpMethod.Put, $"/v2/s/{sequence.Sequence}/project",
            new StringContent("project=survey", Encoding.UTF8, "text/plain")), "parameter_invalid");
        Assert.Contains("body", message);
        await ContractAssert.Error(await MoveAsync(world.Owner, sequence.Sequence, "{\"project\":"), "parameter_invalid");
        Assert.Equal(Sight.Everything, await world.SeenByAsync(null, sequence));
    }

    [Fact]
    public async Task SomeoneElsesSequenceIsNotFoundWhetherPublicOrPrivate()
    {
        var publicOne = await world.SequenceAsync();
        var privateOne = await world.SequenceAsync(Survey);
        var unknown = await ContractAssert.Error(await MoveAsync(world.Stranger, "AAAAAAAAAAAAAAAAAAAAAA", $$"""{"project":"{{Elsewhere}}"}"""), "not_found");
        Assert.Equal("Sequence 'AAAAAAAAAAAAAAAAAAAAAA' not found.", unknown);
        // The stranger may not move the owner's sequences, into their own project or out of the owner's, and learns
        // nothing from the answer: the same as for a key that does not exist.
        foreach (var (sequence, body) in new[] { (publicOne, $$"""{"project":"{{Elsewhere}}"}"""), (privateOne, """{"project":null}""") })
        {
            var message = await ContractAssert.Error(await MoveAsync(world.Stranger, sequence.Sequence, body), "not_found");
            Assert.Equal($"Sequence '{sequence.Sequence}' not found.", message);
        }
        // Nor may a member of the sequence's project, who can see it.
        var asMember = await ContractAssert.Error(await MoveAsync(world.ProjectMember, privateOne.Sequence, """{"project":""}"""), "not_found");
        Assert.Equal($"Sequence '{privateOne.Sequence}' not found.", asMember);

        Assert.Equal(Sight.Everything, await world.SeenByAsync(null, publicOne));
        Assert.Equal(MemberSeesPrivate, await world.SeenByAsync(world.ProjectMember, privateOne, Survey));
    }

    [Fact]
    public async Task AProjectTheOwnerIsNotAMemberOfIsNotFound()
    {
        var sequence = await world.SequenceAsync();
        var message = await ContractAssert.Error(await MoveAsync(world.Owner, sequence.Sequence, $$"""{"project":"{{Elsewhere}}"}"""), "not_found");
        Assert.Equal($"Project '{Elsewhere}' not found.", message);
        message = await ContractAssert.Error(await MoveAsync(world.Owner, sequence.Sequence, """{"project":"no-such-project"}"""), "not_found");
        Assert.Equal("Project 'no-such-project' not found.", message);
        Assert.Equal(Sight.Everything, await world.SeenByAsync(null, sequence));
    }

    [Fact]
    public async Task OnlyPutIsMappedThere()
    {
        var sequence = await world.SequenceAsync();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete })
            await ContractAssert.Error(await world.Owner.SendJsonAsync(method, $"/v2/s/{sequence.Sequence}/project", """{"project":null}"""), "not_found");
    }

    [Fact]
    public async Task MyProjectsListsEveryProjectTheCallerIsAMemberOf()
    {
        var mine = await world.Owner.GetJsonAsync("/v2/me/projects");
        Assert.Equal(["projects"], Member.Names(mine));
        var projects = mine.GetProperty("projects").EnumerateArray().ToList();
        Assert.Equal([Second, Survey], projects.Select(p => p.GetProperty("key").GetString()));
        Assert.Equal(["created_at", "key", "name", "owner"], Member.Names(projects[1]));
        Assert.Equal("Survey", projects[1].GetProperty("name").GetString());
        Assert.Equal("owner", projects[1].GetProperty("owner").GetString());
        Assert.True(projects[1].GetProperty("created_at").GetInt64() > 1_700_000_000_000);

        var member = (await world.ProjectMember.GetJsonAsync("/v2/me/projects")).GetProperty("projects").EnumerateArray().ToList();
        Assert.Equal([(Survey, "owner")], member.Select(p => (p.GetProperty("key").GetString(), p.GetProperty("owner").GetString())));
        var stranger = (await world.Stranger.GetJsonAsync("/v2/me/projects")).GetProperty("projects").EnumerateArray();
        Assert.Equal([Elsewhere], stranger.Select(p => p.GetProperty("key").GetString()));

        var noScope = await world.Owner.WithScopesAsync("private:read org:write");
        Assert.Contains("org:read", await ContractAssert.Error(await noScope.SendAsync(HttpMethod.Get, "/v2/me/projects"), "user_not_authenticated"));
        Assert.Contains("org:read", await ContractAssert.Error(await world.Owner.Anonymous().SendAsync(HttpMethod.Get, "/v2/me/projects"), "user_not_authenticated"));
    }
}
