using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;
using Sightline.Access;
using Sightline.Applications;
using Sightline.Community;
using Sightline.Contract;
using Sightline.Health;
using Sightline.Observability;
using Sightline.Images;
using Sightline.Me;
using Sightline.Navigation;
using Sightline.OAuth;
using Sightline.OpenApi;
using Sightline.Processing;
using Sightline.Projects;
using Sightline.RateLimiting;
using Sightline.Search;
using Sightline.Search.What3Words;
using Sightline.Sequences;
using Sightline.Stac;
using Sightline.Status;
using Sightline.Tiles;
using Sightline.Storage;
using Sightline.Tokens;
using Sightline.Uploads;
using Sightline.Users;
using Sightline.WebApp;

namespace Sightline.Hosting;

/// <summary>Builds the Sightline web server: services, the contract's middleware order, and every endpoint group.</summary>
public static class SightlineServer
{
    /// <summary><c>Logging:Format=json</c>: every console line, the start banner included, is one JSON object.</summary>
    public static bool IsJsonLogging(IConfiguration configuration) =>
        string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase);

    public sealed record Settings(string DataDirectory, string Urls, IReadOnlyDictionary<string, string?>? Configuration = null);

    public static WebApplication Build(Settings settings, Action<ILoggingBuilder>? configureLogging = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Defaults beneath every other source (settings files, environment, command line can change them): ASP.NET Core's
        // own per-request lines (request starting, endpoint executing, request finished) cost more CPU than a search and
        // wrote a gigabyte a minute under load; its warnings and errors still show.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
        if (settings.Configuration is not null)
            builder.Configuration.AddInMemoryCollection(settings.Configuration);
        // Logging:Format=json: one JSON object per line on the console, for log shippers (issue 13).
        if (IsJsonLogging(builder.Configuration))
            builder.Logging.AddJsonConsole(json =>
            {
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; // ISO 8601; without a format the formatter writes none
                json.UseUtcTimestamp = true;
            });
        configureLogging?.Invoke(builder.Logging);
        builder.AddSightlineMetrics();

        builder.WebHost.UseUrls(MetricsEndpoint.SeparateUrl(builder.Configuration) is { } metricsUrl ? $"{settings.Urls};{metricsUrl}" : settings.Urls);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            // The usual ASP.NET "Kestrel:Limits" section (timeouts, data rates, connection counts);
            // the transport limits below are set after it, so they always sit above the contract's.
            context.Configuration.GetSection("Kestrel:Limits").Bind(kestrel.Limits);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestLineSize = RequestLimits.TransportMaxRequestLine;
            kestrel.Limits.MaxRequestHeadersTotalSize = RequestLimits.TransportMaxHeaders;
            kestrel.Limits.MaxRequestHeaderCount = RequestLimits.TransportMaxHeaderCount;
            kestrel.Limits.MaxRequestBufferSize = RequestLimits.TransportMaxBuffer;
            kestrel.ConfigureEndpointDefaults(listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                // Kestrel's own answers to requests it cannot parse get the contract's form too.
                listen.UseContractRejections();
            });
        });

        var services = builder.Services;
        services.AddSightlineStorage(builder.Configuration, settings.DataDirectory);
        services.AddSingleton<AccountDeletion>();
        services.AddSingleton<Users.UserTotals>();
        services.AddSightlineHealth();
        services.AddSingleton<ApplicationCache>();
        services.AddSingleton<TokenCache>();
        services.AddSingleton<Budgets>();
        services.AddOptions<RateLimitOptions>().BindConfiguration("RateLimit");
        services.AddOptions<RequestLimits>().BindConfiguration("Limits");
        AddImagery(services);
        AddSearch(services, builder.Configuration);
        services.AddSightlineOAuth(builder.Configuration);
        services.AddCommunity();
        services.AddStac();
        services.AddWebApp();
        services.ConfigureHttpJsonOptions(json => ContractJson.Configure(json.SerializerOptions));
        services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .AllowAnyOrigin()
            .AllowAnyHeader()
            .WithMethods("GET", "POST", "PUT", "DELETE")
            .WithExposedHeaders("RateLimit", "RateLimit-Policy", "Retry-After", "WWW-Authenticate")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        services.AddV2OpenApi();

        var app = builder.Build();
        PhotoWarnings.Install(app.Services.GetRequiredService<ILoggerFactory>());
        app.Use(TransportRejections.MarkRequestInApp); // first: tells the transport the app owns the request
        if (AccessLogMiddleware.IsEnabled(app.Configuration))
            app.UseMiddleware<AccessLogMiddleware>(); // outside the contract's middleware: it logs the status that left
        app.UseMiddleware<ContractMiddleware>();
        app.Use(HeadRequests.AnswerAsGet);
        // A CORS preflight is answered 200 by UseCors without going further (CONTRACT.md §1), whatever the budget; it carries
        // the RateLimit fields like every answer to a valid client_id (§5), read without spending (BudgetMiddleware).
        // Any other OPTIONS goes on to the budget below, and is counted once.
        app.UseWhen(context => BudgetMiddleware.IsPreflight(context.Request), preflight => preflight.UseMiddleware<BudgetMiddleware>());
        app.UseCors();
        // Routing only finds the endpoint here (cheap, decides nothing: AccessMiddleware answers for unknown routes in
        // the contract's order), so that even the budget's and the size limits' failures take the endpoint's form.
        app.UseRouting();
        app.UseMiddleware<BudgetMiddleware>();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseMiddleware<AccessMiddleware>();
        app.UseMiddleware<RequestBodyMiddleware>(); // parameters come after the access checks (CONTRACT.md §4)
        // After the access checks, so OpenIddict only sees requests to routes the API declares
        // (a wrong method on /v2/oauth/token is 404 like anywhere else); it also reads the session cookie.
        // Only on the OAuth endpoints and pages: the API checks its own tokens. WebApplication adds its own
        // UseAuthentication at the very start of the pipeline unless it sees this key set (as UseAuthentication on the app
        // itself would set it; on a branch it does not).
        app.UseWhen(OAuthServer.SessionRoute.Is, oauth => oauth.UseAuthentication());
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;

        app.MapOpenApi(V2Document.Route).AllowWithoutClient().AddEndpointFilter(V2Document.NegotiateMediaType);
        app.MapStatus();
        app.MapHealth();
        app.MapSightlineMetrics();
        app.MapMe();
        app.MapUsers();
        app.MapUserSearch();
        app.MapImageSearch();
        app.MapWhat3WordsSearch();
        app.MapSequenceSearch();
        app.MapUploads();
        app.MapImages();
        app.MapSequences();
        app.MapProjects();
        app.MapNav();
        app.MapThumbnails();
        app.MapTiles();
        app.MapOAuth();
        app.MapCommunity();
        app.MapStac();
        app.MapWebApp();
        return app;
    }

    private static void AddImagery(IServiceCollection services)
    {
        services.AddOptions<UploadOptions>().BindConfiguration("Uploads");
        services.AddOptions<SequenceOptions>().BindConfiguration("Sequences");
        services.AddOptions<ProcessingOptions>().BindConfiguration("Processing");
        services.AddSingleton<ImageFiles>();
        services.AddSingleton<PhotoThreads>();
        services.AddSingleton<Derivatives>();
        services.AddSingleton<UploadReceiver>();
        services.AddSingleton<UploadPolicies>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<JobSignal>();
        services.AddHostedService<JobWorker>();
    }

    private static void AddSearch(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SearchOptions>().BindConfiguration("Search");
        services.AddSingleton<Search.Index.ImageIndex>();
        services.AddHostedService<Search.Index.SearchIndexHost>();
        services.AddSingleton<SearchParameters>();
        services.AddSingleton<ImageSearch>();
        services.AddWhat3Words(configuration);
        services.AddSingleton<SequenceSearch>();
        services.AddOptions<Tiles.TileOptions>().BindConfiguration("Tiles");
        services.AddSingleton<Tiles.SequenceGeometry>();
        services.AddSingleton<Tiles.SequenceTiles>();
        services.AddHostedService<Places.GazetteerWarmUp>();
        services.AddHostedService<Tiles.TileWarmUp>(); // after the index's host: the index is loaded when it starts
    }

    /// <summary>The addresses Kestrel actually listens on (ports resolved when bound to :0).</summary>
    /// <remarks>The metrics port, when separate, is not one of them.</remarks>
    public static IReadOnlyList<string> ListeningAddresses(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var metricsUrl = MetricsEndpoint.SeparateUrl(app.Configuration);
        return addresses.Where(a => metricsUrl is null || !a.Equals(metricsUrl, StringComparison.OrdinalIgnoreCase)).ToList();
    }
}
