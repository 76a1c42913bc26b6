using Microsoft.Extensions.Options;
using Sightline.Storage;

namespace Sightline.Search.Index;

/// <summary>
/// Loads the search index before the server listens, saves its snapshot on a clean stop, and also every
/// <see cref="SearchOptions.SnapshotMinutes"/> while running, which trims the change log the snapshot makes redundant
/// (issue 13: without it the log only shrank at a clean stop, and grew without bound on a server that never stops).
/// </summary>
public sealed class SearchIndexHost(ImageIndex index, IOptions<SearchOptions> options, ILogger<SearchIndexHost> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task? periodic;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        index.Load();
        if (options.Value.SnapshotMinutes > 0)
            periodic = Task.Run(() => SaveRegularlyAsync(TimeSpan.FromMinutes(options.Value.SnapshotMinutes), stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (periodic is not null)
            await periodic;
        await index.SaveSnapshotAsync();
    }

    private async Task SaveRegularlyAsync(TimeSpan interval, CancellationToken cancellation)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                try
                {
                    await index.SaveSnapshotAsync(); // a no-op when nothing changed since the last one
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A full disk or an unreachable object store must not stop the server; the next tick tries again.
                    logger.LogWarning(e, "Search index snapshot could not be saved; the change log is kept until the next attempt");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => stopping.Dispose();
}
