using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sightline.Access;

namespace Sightline.Observability;

/// <summary>
/// OpenTelemetry metrics in Prometheus' text format at <c>/metrics</c> (issue 13): ASP.NET Core's request counts and
/// latencies by route template and status, the .NET runtime's, and Sightline's own (<see cref="SightlineMeter"/>,
/// <see cref="ServerGauges"/>).
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue<bool>("Metrics:Enabled");

    public static void AddSightlineMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration("Metrics");
        if (!IsEnabled(builder.Configuration))
            return;
        builder.Services.AddSingleton<ServerGauges>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("sightline", serviceVersion: Status.ServerVersion.Current))
            .WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter(SightlineMeter.Name, ServerGauges.MeterName)
            .AddPrometheusExporter());
    }

    /// <summary>The extra address Kestrel listens on for <c>/metrics</c> alone, when <c>Metrics:Port</c> is set.</summary>
    public static string? SeparateUrl(IConfiguration configuration)
    {
        var port = configuration.GetValue<int?>("Metrics:Port");
        if (!IsEnabled(configuration) || port is not > 0)
            return null;
        var host = configuration["Metrics:Host"] is { Length: > 0 } configured ? configured : "127.0.0.1";
        return $"http://{host}:{port}";
    }

    public static void MapSightlineMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
            return;
        app.Services.GetRequiredService<ServerGauges>(); // creates the observable gauges
        var endpoint = app.MapPrometheusScrapingEndpoint(Path).AllowWithoutClient().WithName("Metrics").ExcludeFromDescription();
        if (options.Port is > 0)
            endpoint.RequireHost($"*:{options.Port}");
    }
}
