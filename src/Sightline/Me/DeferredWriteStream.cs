namespace Sightline.Me;

/// <summary>
/// A write-only stream in front of the response body for <see cref="System.IO.Compression.ZipArchive"/>: even its async
/// API writes some bytes synchronously (a deflated entry's last block when it is closed, the central directory), which
/// Kestrel refuses (and which would block a thread on a slow client). Synchronous writes are kept in memory and go out
/// with the next asynchronous write or flush; the owner flushes after each entry, so at most one entry's tail waits.
/// </summary>
public sealed class DeferredWriteStream(Stream inner) : Stream
{
    private readonly MemoryStream pending = new();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => pending.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => pending.Write(buffer);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendPendingAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendPendingAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    // Nothing to do synchronously: what is pending goes out at the next FlushAsync.
    public override void Flush()
    {
    }

    private async Task SendPendingAsync(CancellationToken cancellation)
    {
        if (pending.Length == 0)
            return;
        await inner.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), cancellation);
        pending.SetLength(0);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            pending.Dispose();
        base.Dispose(disposing);
    }
}
