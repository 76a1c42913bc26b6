using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sightline.Images;
using Sightline.Search.Index;
using Sightline.Storage;

namespace Sightline.Health;

/// <summary>The database opens and answers a query.</summary>
public sealed class DatabaseReadiness(OperationsStore operations) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
    {
        try
        {
            await operations.PingAsync(cancellation);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            // The description is shown to the caller: no path, no exception text (CONTRACT.md §2); the log has the rest.
            return HealthCheckResult.Unhealthy("cannot be opened or queried", e);
        }
    }
}

/// <summary>The folder photos are written to accepts a new file.</summary>
public sealed class BlobStoreReadiness(ImageFiles files) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
    {
        try
        {
            var probe = files.NewTempPath();
            await File.WriteAllBytesAsync(probe, [0], cancellation);
            File.Delete(probe);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("cannot write a file", e);
        }
    }
}

/// <summary>The in-memory search index has been loaded.</summary>
public sealed class SearchIndexReadiness(ImageIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default) =>
        Task.FromResult(index.IsLoaded ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("still loading"));
}
