using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Sightline.Client;

/// <summary>Registers <see cref="SightlineClient"/> with dependency injection, over a connection from <c>IHttpClientFactory</c>.</summary>
public static class SightlineServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SightlineClient"/> as a typed client of <c>IHttpClientFactory</c>, configured by
    /// <paramref name="configure"/> (server, <c>client_id</c>, retries). Inject <see cref="SightlineClient"/>; for a signed-in
    /// user, call <see cref="SightlineClient.WithAccessToken"/> on it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Fills in the options.</param>
    /// <returns>The <see cref="IHttpClientBuilder"/>, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddSightlineClient(this IServiceCollection services, Action<SightlineClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        const string name = nameof(SightlineClient);
        services.AddOptions<SightlineClientOptions>(name)
            .Configure(configure)
            .Validate(o => o.BaseAddress is not null && !string.IsNullOrEmpty(o.ClientId), "SightlineClientOptions needs a BaseAddress and a ClientId.");
        // The client has its own retries (429 with Retry-After, 500 for repeatable calls): no resilience handler on top,
        // or a call would be retried twice over.
        return services.AddHttpClient(name)
            .AddTypedClient((http, provider) => new SightlineClient(http, provider.GetRequiredService<IOptionsMonitor<SightlineClientOptions>>().Get(name)));
    }
}
