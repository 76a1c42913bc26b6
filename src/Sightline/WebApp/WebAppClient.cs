using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Sightline.Applications;
using Sightline.Storage;

namespace Sightline.WebApp;

/// <summary>
/// The web app as an OAuth client of its own server: a public client (PKCE, no secret) registered on the first start
/// of a data folder. Its redirect URIs are the app's callback on the configured issuer (OAuth:Issuer) and on each
/// loopback address the server listens on, added at every start; never taken from a request's Host header, which
/// would let anyone make the server send codes to a host of their choosing.
/// </summary>
public sealed class WebAppClient(ISettingStore settings, IApplicationStore applications, IServer server, IConfiguration configuration,
    IHostApplicationLifetime lifetime, ILogger<WebAppClient> logger) : IHostedService
{
    public const string CallbackPath = "/signin/callback";
    private const string SettingName = "webapp_client_id";
    private const string Name = "Sightline web app";

    private readonly TaskCompletionSource<string> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The app's client_id, once registered (at start, as soon as the server's addresses are known).</summary>
    public Task<string> ClientIdAsync(CancellationToken cancel) => ready.Task.WaitAsync(cancel);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = RegisterAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RegisterAsync()
    {
        try
        {
            ready.TrySetResult(await EnsureAsync(RedirectUris()));
        }
        catch (Exception e)
        {
            logger.LogError(e, "The web app's OAuth client could not be registered; sign-in in the web app will not work");
            ready.TrySetException(e);
        }
    }

    private IReadOnlyList<string> RedirectUris()
    {
        var bases = new List<string>();
        if (configuration["OAuth:Issuer"] is { Length: > 0 } issuer)
            bases.Add(issuer.TrimEnd('/'));
        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
                continue;
            var port = uri.IsDefaultPort ? "" : ":" + uri.Port;
            if (uri.Host is "127.0.0.1" or "localhost" or "[::1]" or "0.0.0.0" or "[::]")
            {
                bases.Add($"{uri.Scheme}://127.0.0.1{port}");
                bases.Add($"{uri.Scheme}://localhost{port}");
            }
            else
            {
                bases.Add($"{uri.Scheme}://{uri.Host}{port}");
            }
        }
        return bases.Distinct(StringComparer.Ordinal).Select(b => b + CallbackPath).ToList();
    }

    private async Task<string> EnsureAsync(IReadOnlyList<string> redirectUris)
    {
        if (await settings.GetAsync(SettingName) is { } existing && await applications.FindAsync(existing) is { } application)
        {
            await applications.AddRedirectUrisAsync(application.Id, redirectUris);
            return existing;
        }
        var (created, _) = await applications.AddAsync(Name, redirectUris, allowImplicit: false, confidential: false);
        // Two nodes starting at once keep the first registration; the loser adds its redirect URIs to it.
        var kept = await settings.GetOrAddAsync(SettingName, created.ClientId);
        if (kept != created.ClientId && await applications.FindAsync(kept) is { } first)
            await applications.AddRedirectUrisAsync(first.Id, redirectUris);
        return kept;
    }

    /// <summary>True when <paramref name="clientId"/> is the web app's own client (first-party: see ConnectPages).</summary>
    public bool IsWebApp(string? clientId) => ready.Task.IsCompletedSuccessfully && ready.Task.Result == clientId;
}
