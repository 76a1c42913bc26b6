using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Sightline.OAuth;

/// <summary>
/// Builds OpenIddict's options beside the start, which loads its stored signing and encryption keys (and makes them on
/// a new server: RSA key generation, 1.5 to 2 s here), so that the first person at /connect or the token endpoint does
/// not wait for it.
/// </summary>
public sealed class OAuthWarmUp(IOptionsMonitor<OpenIddictServerOptions> options, ILogger<OAuthWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellation)
    {
        _ = Task.Run(() =>
        {
            try
            {
                _ = options.CurrentValue;
            }
            catch (Exception error)
            {
                logger.LogError(error, "OpenIddict's options could not be built ahead of the first OAuth request");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellation) => Task.CompletedTask;
}
