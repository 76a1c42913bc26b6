using Microsoft.Extensions.DependencyInjection;
using Sightline.Client;

namespace Sightline.Tests.Client;

/// <summary><c>services.AddSightlineClient(...)</c>: the SDK from dependency injection over IHttpClientFactory, against a real server.</summary>
public sealed class ClientRegistrationTests(SdkWorld world) : IClassFixture<SdkWorld>
{
    [Fact]
    public async Task RegisteredClientCallsTheServerWithItsOptions()
    {
        var services = new ServiceCollection();
        var handler = new RecordingHandler();
        services.AddSightlineClient(options =>
        {
            options.BaseAddress = world.Server.BaseAddress;
            options.ClientId = world.ClientId;
            options.AccessToken = world.WalkerToken;
        }).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<SightlineClient>();
        var me = await client.GetMeAsync();

        Assert.Equal("walker", me.Username);
        var exchange = Assert.Single(handler.Exchanges);
        Assert.Contains($"client_id={world.ClientId}", exchange.Uri.Query);
        Assert.Equal($"Bearer {world.WalkerToken}", exchange.Authorization);
        Assert.Equal(world.ClientId, client.ClientId);
    }

    [Fact]
    public async Task RegisteredClientDerivesOnePerUser()
    {
        var services = new ServiceCollection();
        services.AddSightlineClient(options =>
        {
            options.BaseAddress = world.Server.BaseAddress;
            options.ClientId = world.ClientId;
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<SightlineClient>();

        var anonymous = await Assert.ThrowsAsync<SightlineApiException>(() => client.GetMeAsync());
        var me = await client.WithAccessToken(world.WalkerToken).GetMeAsync();

        Assert.Equal(SightlineErrorCode.UserNotAuthenticated, anonymous.Code);
        Assert.Equal("walker", me.Username);
    }

    [Fact]
    public async Task MissingOptionsFailWhenTheClientIsMade()
    {
        var services = new ServiceCollection();
        services.AddSightlineClient(options => options.ClientId = "app");
        await using var provider = services.BuildServiceProvider();

        Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<SightlineClient>());
    }
}
