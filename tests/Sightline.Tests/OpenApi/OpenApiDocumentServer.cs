using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OpenApi;

/// <summary>A server, the endpoints it maps, its /openapi/v2.json, and a token holding every scope for calling any operation.</summary>
public sealed class OpenApiDocumentServer : IAsyncLifetime
{
    private WebApplication? app;

    public TestServer Server { get; private set; } = null!;
    public string ClientId { get; private set; } = null!;
    public string Token { get; private set; } = null!;
    public string DocumentText { get; private set; } = null!;
    public JsonElement Document { get; private set; }

    public IReadOnlyList<RouteEndpoint> Endpoints =>
        ((IEndpointRouteBuilder)app!).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();

    public async Task InitializeAsync()
    {
        // Several hundred calls from one token: quotas well above them, so the budget never answers first.
        Server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["RateLimit:ApplicationPerMinute"] = "1000000",
            ["RateLimit:TokenPerMinute"] = "1000000",
            ["RateLimit:AnonymousPerMinute"] = "1000000",
        }, configureApp: built => app = built);
        (ClientId, _) = await Server.AddClientAsync("openapi");
        await Server.AdminAsync("pw\n", "users", "add", "--username", "everyscope", "--email", "everyscope@example.org", "--admin");
        Token = await Server.IssueTokenAsync("everyscope", ClientId, string.Join(' ', Sightline.Access.Scopes.Descriptions.Keys));
        DocumentText = await Server.Http.GetStringAsync("/openapi/v2.json");
        Document = JsonDocument.Parse(DocumentText).RootElement.Clone();
    }

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}
