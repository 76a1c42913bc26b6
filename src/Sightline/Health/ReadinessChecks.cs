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
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or UnauthorizedAccessException or TimeoutException or InvalidOperationException)
        {
            // The description is shown to the caller: no path, no exception text (CONTRACT.md §2); the log has the rest.
            return HealthCheckResult.Unhealthy("cannot be opened or queried", e);
        }
    }
}

/// <summary>The blob store (data folder or S3 bucket) accepts, returns and deletes an object.</summary>
public sealed class BlobStoreReadiness(IBlobStore blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
    {
        var probe = $"readiness/{Guid.NewGuid():N}";
        try
        {
            await blobs.WriteAsync(probe, new byte[] { 0 }, cancellation);
            var found = await blobs.ExistsAsync(probe, cancellation);
            await blobs.DeleteAsync(probe, cancellation);
            return found ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("does not return what was written");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The description is shown to the caller: no path or bucket, no exception text (CONTRACT.md §2).
            return HealthCheckResult.Unhealthy("cannot write an object", e);
        }
    }
}

/// <summary>The in-memory search index has been loaded.</summary>
public sealed class SearchIndexReadiness(ImageIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default) =>
        Task.FromResult(index.IsLoaded ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("still loading"));
}

/// <summary>Redis answers a PING, when <c>Storage:Redis</c> names one (healthy without it: nothing to wait for).</summary>
public sealed class RedisReadiness(IEnumerable<Storage.Redis.RedisConnection> configured) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellation = default)
    {
        if (configured.FirstOrDefault() is not { } redis)
            return HealthCheckResult.Healthy("not configured");
        try
        {
            await (await redis.DatabaseAsync()).PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException or StorageConfigurationException)
        {
            // The description is shown to the caller: no address, no exception text (CONTRACT.md §2).
            return HealthCheckResult.Unhealthy("not answering", e);
        }
    }
}
