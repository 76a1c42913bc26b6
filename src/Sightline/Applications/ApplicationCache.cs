using System.Collections.Concurrent;
using Sightline.Storage;

namespace Sightline.Applications;

/// <summary>
/// Applications by client_id for the per-request check, without a query per request: an entry is used
/// only while nothing at all has been committed since it was read (<see cref="IChangeFeed"/>), so a
/// disabled or new application takes effect on the very next request.
/// </summary>
public sealed class ApplicationCache(IApplicationStore applications, IChangeFeed commits)
{
    // Unknown client ids are remembered too (as null); the cap keeps guessing from growing it without bound.
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (long Epoch, Application? Application)> entries = new(StringComparer.Ordinal);

    // A ValueTask: a hit (every request but the first after a commit) allocates nothing (issue 14).
    public ValueTask<Application?> FindAsync(string clientId)
    {
        var epoch = commits.Epoch(); // before the read, so a commit during it outdates the entry
        return entries.TryGetValue(clientId, out var entry) && entry.Epoch == epoch
            ? ValueTask.FromResult(entry.Application)
            : new ValueTask<Application?>(ReadAsync(clientId, epoch));
    }

    private async Task<Application?> ReadAsync(string clientId, long epoch)
    {
        var application = await applications.FindAsync(clientId);
        if (entries.Count >= MaxEntries)
            entries.Clear();
        entries[clientId] = (epoch, application);
        return application;
    }
}
