using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary><c>sightline users add --admin</c>, and mapillary:admin granted only to administrators.</summary>
public sealed class AdministratorTests : IAsyncLifetime
{
    private TestServer server = null!;

    public async Task InitializeAsync() => server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task AdminScopeIsIssuedOnlyToAdministrators()
    {
        var admin = await server.AdminAsync("pw\n", "users", "add", "--username", "boss", "--email", "b@example.org", "--admin");
        Assert.True(admin.GetProperty("admin").GetBoolean());
        var plain = await server.AdminAsync("pw\n", "users", "add", "--username", "plain", "--email", "p@example.org");
        Assert.False(plain.GetProperty("admin").GetBoolean());
        var (clientId, _) = await server.AddClientAsync();

        Assert.NotEmpty(await server.IssueTokenAsync("boss", clientId, "mapillary:admin user:read"));
        var (exit, _, error) = await TestServer.RunCliAsync("", "tokens", "issue", "--user", "plain", "--client", clientId,
            "--scopes", "user:read mapillary:admin", "--data", server.DataDirectory);
        Assert.NotEqual(0, exit);
        Assert.Contains("mapillary:admin", error);
        Assert.NotEmpty(await server.IssueTokenAsync("plain", clientId, "user:read public:write"));
    }
}
