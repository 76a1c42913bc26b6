using System.Net;
using System.Net.Http.Headers;

namespace Sightline.Client.Http;

/// <summary>
/// A request body read from a stream in chunks, reporting the bytes sent so far after each one. Each attempt of a
/// retried upload gets a new instance over the same stream, rewound to where it started.
/// </summary>
internal sealed class ProgressContent : HttpContent
{
    private const int ChunkSize = 64 * 1024;
    private readonly Stream source;
    private readonly long? length;
    private readonly IProgress<long>? progress;

    public ProgressContent(Stream source, string mediaType, IProgress<long>? progress)
    {
        this.source = source;
        this.progress = progress;
        length = source.CanSeek ? source.Length - source.Position : null;
        Headers.ContentType = new MediaTypeHeaderValue(mediaType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        long sent = 0;
        progress?.Report(0);
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            progress?.Report(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = this.length ?? 0;
        return this.length is not null;
    }

    // The stream belongs to the caller (or to the upload method that opened the file), never to one attempt.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);
}
