namespace Sightline.Search.Index;

/// <summary>Loads the search index before the server listens, and saves its snapshot on a clean stop.</summary>
public sealed class SearchIndexHost(ImageIndex index) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        index.Load();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => index.SaveSnapshotAsync();
}
