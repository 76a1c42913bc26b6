using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sightline.Access;
using Sightline.Contract;
using Sightline.RateLimiting;

namespace Sightline.Health;

/// <summary>
/// <c>GET /healthz</c> (live: the process answers) and <c>GET /readyz</c> (ready: database, blob store, search index and Redis when configured),
/// on ASP.NET Core health checks. No client_id, like the public files; 200, or 500 with the contract's body naming what
/// is not ready (the contract has no 503).
/// </summary>
public static class HealthApi
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddSightlineHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReadiness>("database", tags: [ReadyTag])
            .AddCheck<BlobStoreReadiness>("blob store", tags: [ReadyTag])
            .AddCheck<SearchIndexReadiness>("search index", tags: [ReadyTag])
            .AddCheck<RedisReadiness>("redis", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // MapHealthChecks answers every method; the API answers GET (and HEAD) only, a POST is "no such API".
        routes.MapHealthChecks("/healthz", Options(_ => false, "live"))
            .WithMetadata(new HttpMethodMetadata(["GET"]), BudgetMiddleware.Probe.Marker).AllowWithoutClient().WithName("Live").WithTags("Operations").WithSummary("Liveness: the process answers");
        routes.MapHealthChecks("/readyz", Options(check => check.Tags.Contains(ReadyTag), "ready"))
            .WithMetadata(new HttpMethodMetadata(["GET"]), BudgetMiddleware.Probe.Marker).AllowWithoutClient().WithName("Ready").WithTags("Operations")
            .WithSummary("Readiness: database, blob store, search index and Redis when configured; 500 naming what is not ready");
        return routes;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate, string what) => new()
    {
        Predicate = predicate,
        AllowCachingResponses = false,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status500InternalServerError,
        },
        ResponseWriter = (context, report) => WriteAsync(context, report, what),
    };

    private static async Task WriteAsync(HttpContext context, HealthReport report, string what)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (report.Status == HealthStatus.Unhealthy)
        {
            var failing = report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy)
                .Select(e => $"{e.Key} ({e.Value.Description ?? "not answering"})");
            await ErrorResponse.WriteAsync(context, ErrorCode.InternalServerError, $"Not {what}: {string.Join("; ", failing)}.");
            return;
        }
        await context.Response.WriteAsJsonAsync(new { code = "ok", message = what, status = 200 }, ContractJson.Options);
    }
}
