using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using OpenIddict.Abstractions;

namespace Sightline.OAuth;

/// <summary>Wires the OAuth 2.0 server: OpenIddict for the protocol, a cookie session for people, antiforgery for forms.</summary>
public static class OAuthServer
{
    public const string SessionScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>Authorization codes live at most this long (issue 5; RFC 6749 §4.1.2 recommends 10 minutes at most).</summary>
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public static IServiceCollection AddSightlineOAuth(this IServiceCollection services, IConfiguration configuration)
    {
        // Behind a reverse proxy the request's host is not the public one; OAuth:Issuer names the public base URL.
        // The trailing slash makes endpoint URLs resolve under a path prefix (https://host/sightline/connect).
        var issuer = configuration["OAuth:Issuer"] is { Length: > 0 } configured
            ? new Uri(configured.EndsWith('/') ? configured : configured + "/", UriKind.Absolute)
            : null;

        services.AddSingleton<ConnectRequests>();
        services.AddSingleton<ClientAuthentication>();
        services.AddSingleton<SignInThrottle>();
        services.AddHostedService<OAuthWarmUp>();
        services.AddOptions<SignInOptions>().BindConfiguration("SignIn");
        services.AddOptions<TokenLifetimeOptions>().BindConfiguration("OAuth");

        // Session cookies and antiforgery tokens must survive a restart and be read by every node, so their keys live in
        // the database (those an older server kept in --data/keys are imported once).
        services.AddDataProtection().SetApplicationName("Sightline");
        services.AddSingleton<Storage.StoredDataProtectionKeys>();
        services.AddOptions<KeyManagementOptions>()
            .Configure<Storage.StoredDataProtectionKeys>((keys, repository) => keys.XmlRepository = repository);

        services.AddAuthentication(SessionScheme).AddCookie(SessionScheme, cookie =>
        {
            cookie.Cookie.Name = "sightline_session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax; // Lax, not Strict: the person arrives at /connect from the application's site
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = SignInPages.Path;
            cookie.Events.OnValidatePrincipal = SignInPages.ValidateSessionAsync;
        });

        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.FormFieldName = HtmlPage.CsrfField;
            antiforgery.Cookie.Name = "sightline_csrf";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.SuppressXFrameOptionsHeader = true; // HtmlPage sends DENY, stricter than antiforgery's SAMEORIGIN
        });

        // OpenIddict narrates every request at Information; its warnings and errors are what an operator needs.
        services.AddLogging(logging => logging.AddFilter("OpenIddict", LogLevel.Warning));

        services.AddOpenIddict().AddServer(options =>
        {
            // Degraded mode: no OpenIddict stores. Applications and tokens are ours (IApplicationStore,
            // ITokenStore); OpenIddictHandlers plug them in. Codes are self-contained encrypted tokens.
            options.EnableDegradedMode();
            if (issuer is not null)
                options.SetIssuer(issuer);
            options.SetAuthorizationEndpointUris("connect")
                .SetTokenEndpointUris("v2/oauth/token")
                .SetConfigurationEndpointUris(".well-known/oauth-authorization-server")
                .SetJsonWebKeySetEndpointUris(Array.Empty<Uri>());
            options.AllowAuthorizationCodeFlow().AllowImplicitFlow();
            options.SetAuthorizationCodeLifetime(CodeLifetime);
            options.RegisterScopes([.. ConnectRequests.GrantableScopes]);
            options.Configure(server =>
            {
                server.CodeChallengeMethods.Clear();
                server.CodeChallengeMethods.Add(OpenIddictConstants.CodeChallengeMethods.Sha256);
            });
            options.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .EnableErrorPassthrough()
                // Self-hosted servers often sit behind a TLS-terminating proxy or run on loopback.
                .DisableTransportSecurityRequirement();
            OpenIddictHandlers.Register(options);
        });
        // Signing and encryption keys from the settings store, shared by every node and kept across restarts.
        services.AddOptions<OpenIddict.Server.OpenIddictServerOptions>().Configure<Storage.ISettingStore>(StoredKeys.Configure);
        return services;
    }

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder routes)
    {
        var oauth = routes.MapGroup("").WithMetadata(SessionRoute.Marker);
        oauth.MapOAuthMetadata();
        oauth.MapConnectPages();
        oauth.MapSignInPages();
        oauth.MapTokenApi();
        oauth.MapRevocationApi();
        oauth.MapSettingsPages();
        oauth.MapAccountDeletionPages();
        return routes;
    }

    /// <summary>
    /// Endpoint metadata of the OAuth endpoints and pages, the only routes the authentication middleware (OpenIddict and
    /// the session cookie) runs for: the API checks its own tokens. Run on every request, OpenIddict's request handler
    /// cost more than a search (close search on 10M images: about 24k req/s with it, 60k without).
    /// </summary>
    public sealed class SessionRoute
    {
        public static readonly SessionRoute Marker = new();

        public static bool Is(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<SessionRoute>() is not null;
    }
}
