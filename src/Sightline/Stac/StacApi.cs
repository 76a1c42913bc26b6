using Sightline.Access;

namespace Sightline.Stac;

/// <summary>
/// The STAC API at <c>/api</c> beside v2: the same photos, sequences, users and privacy rules, for Panoramax's viewer and
/// STAC tools. Its clients send no client_id, so it is open like the image files and draws on the caller's address budget.
/// </summary>
public static class StacApi
{
    public static IServiceCollection AddStac(this IServiceCollection services)
    {
        services.AddOptions<StacOptions>().BindConfiguration("Stac");
        services.AddSingleton<StacDocuments>();
        services.AddSingleton<StacUsers>();
        services.AddSingleton<SequenceCatalogue>();
        services.AddSingleton<ItemQueryReader>();
        services.AddSingleton<ItemSearch>();
        services.AddSingleton<StacNeighbours>();
        services.AddSingleton<StacApplication>();
        services.AddSingleton<MapTiles>();
        // The landing page's service-desc: this API's own OpenAPI document (/openapi/stac.json), beside the v2 one.
        services.AddOpenApi(OpenApiName, StacOpenApi.Configure);
        return services;
    }

    /// <summary>The name of this API's OpenAPI document, served at <c>/openapi/stac.json</c>.</summary>
    public const string OpenApiName = "stac";

    public static RouteGroupBuilder MapStac(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api").AllowWithoutClient().WithTags("STAC API");
        api.MapStacLanding();
        api.MapStacCollections();
        api.MapStacSearch();
        api.MapStacMap();
        api.MapStacUsers();
        api.MapStacReports();
        return api;
    }
}
