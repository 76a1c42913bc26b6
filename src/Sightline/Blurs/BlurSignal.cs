using System.Threading.Channels;

namespace Sightline.Blurs;

/// <summary>Wakes the <see cref="BlurWorker"/> when an image's derivatives are queued to be made again.</summary>
public sealed class BlurSignal
{
    private readonly Channel<bool> channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timer.CancelAfter(timeout);
        try
        {
            await channel.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
        }
    }
}
