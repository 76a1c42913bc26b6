namespace Sightline.Storage;

/// <summary>
/// The server's files (originals, thumbnails, avatars, the search snapshot) as keyed objects read and written as
/// streams. Keys are relative paths with '/' separators (<c>originals/ab/abcdef….jpg</c>); one registration per backend.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores what <paramref name="write"/> writes under <paramref name="key"/>, replacing any previous object;
    /// the object appears whole and durable or not at all.</summary>
    Task WriteAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellation = default);

    /// <summary>
    /// Moves a finished local file (from <see cref="ScratchFiles"/>) in as <paramref name="key"/> unless that key already
    /// exists (content-addressed objects are stored once); returns false when it existed. The local file is gone afterwards.
    /// </summary>
    Task<bool> AddFileAsync(string key, string localFile, CancellationToken cancellation = default);

    /// <summary>The object for reading, or null when there is none.</summary>
    Task<Blob?> OpenReadAsync(string key, CancellationToken cancellation = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellation = default);

    /// <summary>Removes the object; nothing happens when there is none.</summary>
    Task DeleteAsync(string key, CancellationToken cancellation = default);

    /// <summary>
    /// A URL clients may read the object from directly for a while (a presigned S3 URL), when the store is configured
    /// to hand such URLs out; null otherwise, and then the object is streamed through the server.
    /// </summary>
    string? DirectReadUrl(string key);

    /// <summary>Removes every object whose key starts with <paramref name="prefix"/> (a folder: ends with '/').</summary>
    Task DeletePrefixAsync(string prefix, CancellationToken cancellation = default);

    /// <summary>
    /// Every object whose key starts with <paramref name="prefix"/> (a folder: ends with '/'), with when it was last
    /// written; used by the start-up sweep of originals no upload refers to. No order is promised.
    /// </summary>
    IAsyncEnumerable<BlobEntry> ListAsync(string prefix, CancellationToken cancellation = default);
}

/// <summary>One listed object: its key and when it was last written.</summary>
public sealed record BlobEntry(string Key, DateTimeOffset LastModified);

/// <summary>An object opened for reading: its bytes as a stream (the reader disposes it), its length and a validator.</summary>
public sealed record Blob(Stream Content, long Length, string? ETag);

/// <summary>Writing helpers every backend shares.</summary>
public static class BlobStoreExtensions
{
    public static Task WriteAsync(this IBlobStore blobs, string key, ReadOnlyMemory<byte> bytes, CancellationToken cancellation = default) =>
        blobs.WriteAsync(key, (stream, token) => stream.WriteAsync(bytes, token).AsTask(), cancellation);
}
