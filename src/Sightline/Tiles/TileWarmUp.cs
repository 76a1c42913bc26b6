using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Sightline.Tiles;

/// <summary>
/// Prepares the vector tiles in the background once the server has started (<see cref="SequenceTiles.Prepare"/>), when
/// <see cref="TileOptions.PrepareAtStart"/> is on. Registered after the search index's host, which loads the index
/// before this starts.
/// </summary>
public sealed class TileWarmUp(SequenceTiles tiles, IOptions<TileOptions> options, ILogger<TileWarmUp> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private Task? running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.PrepareAtStart)
            running = Task.Run(Run, CancellationToken.None);
        return Task.CompletedTask;
    }

    private void Run()
    {
        try
        {
            var clock = Stopwatch.StartNew();
            var built = tiles.Prepare(stopping.Token);
            logger.LogInformation("Vector tiles prepared: {Drawings} sequence drawings built in {Milliseconds} ms", built, clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only a head start: tiles still build what they need on demand.
            logger.LogWarning(e, "Vector tiles could not be prepared ahead; they are drawn on demand");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (running is not null)
            await running;
    }

    public void Dispose() => stopping.Dispose();
}
