using Sightline.Client;
using Sightline.Client.Models;

namespace Sightline.Tests.Client;

/// <summary>The SDK's project calls: listing the caller's projects and moving a sequence into one and back out.</summary>
public sealed class ClientProjectTests(SdkWorld world) : IClassFixture<SdkWorld>
{
    private async Task<SightlineClient> OrganiserAsync() =>
        world.Anonymous.WithAccessToken(await world.Server.IssueTokenAsync("walker", world.ClientId, SdkWorld.WalkerScopes + " org:read org:write"));

    [Fact]
    public async Task MyProjectsAreListed()
    {
        var projects = await (await OrganiserAsync()).GetMyProjectsAsync();
        var project = Assert.Single(projects);
        Assert.Equal((SdkWorld.Project, "walker"), (project.Key, project.Owner));
        Assert.False(string.IsNullOrEmpty(project.Name));
        Assert.True(project.CreatedAt > 0);
        var error = await Assert.ThrowsAsync<SightlineApiException>(() => world.Walker.GetMyProjectsAsync());
        Assert.Equal(SightlineErrorCode.UserNotAuthenticated, error.Code);
    }

    [Fact]
    public async Task ASequenceMovesIntoTheProjectAndBackOut()
    {
        var organiser = await OrganiserAsync();
        var image = await world.PhotoAsync(12.5, 8.25, new DateTimeOffset(2024, 9, 3, 7, 0, 0, TimeSpan.Zero));
        var sequence = image.SequenceKey!;

        var ack = await organiser.MoveSequenceToProjectAsync(sequence, SdkWorld.Project);
        var hidden = await Assert.ThrowsAsync<SightlineApiException>(() => world.Anonymous.GetSequenceAsync(sequence));
        var privately = await world.Walker.SearchImagesAsync(new ImageQuery { Project = SdkWorld.Project, Me = true }, limit: 1000);
        await organiser.MoveSequenceToProjectAsync(sequence, null);
        var back = await world.Anonymous.GetSequenceAsync(sequence);

        Assert.Equal(("ok", 200), (ack.Code, ack.Status));
        Assert.Equal(SightlineErrorCode.NotFound, hidden.Code);
        Assert.Contains(image.Key, privately.Items.Select(i => i.Key));
        Assert.Equal([image.Key], back.Keys);

        var notMine = await Assert.ThrowsAsync<SightlineApiException>(() => world.Stranger.MoveSequenceToProjectAsync(sequence, null));
        Assert.Equal(SightlineErrorCode.UserNotAuthenticated, notMine.Code); // the stranger's token has no org:write
    }
}
