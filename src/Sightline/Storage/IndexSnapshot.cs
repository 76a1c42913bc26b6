using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sightline.Search.Index;

namespace Sightline.Storage;

/// <summary>
/// The search index's base stored as the raw bytes of its array (an object of the blob store, <see cref="Key"/>), so
/// that a start reads it back at disk speed instead of rescanning ten million rows. A cache: deleting it only costs a
/// rebuild. The file forms serve the bench tools.
/// </summary>
public static class IndexSnapshot
{
    public const string FileName = "search-index.bin";
    // "SLSIDX03": since the compass angle is kept as stored, in double precision (02 lacks it, so it is rebuilt; 02
    // indexed hidden public images, which 01 lacked).
    private const ulong Magic = 0x3330_5844_4953_4C53;
    private const int HeaderBytes = 32;

    /// <summary>The snapshot's object key (with <see cref="FileBlobStore"/>, the file in the data folder).</summary>
    public const string Key = FileName;

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>Stores the snapshot in the blob store, replacing the previous one whole.</summary>
    public static Task SaveAsync(IBlobStore blobs, IndexState state) =>
        blobs.WriteAsync(Key, (stream, _) =>
        {
            WriteTo(stream, state.BaseItems, state.LastChange);
            return Task.CompletedTask;
        });

    /// <summary>Reads the snapshot from the blob store; null when absent or not of this format.</summary>
    public static async Task<(IndexedImage[] Items, long LastChange)?> LoadAsync(IBlobStore blobs)
    {
        var blob = await blobs.OpenReadAsync(Key);
        if (blob is null)
            return null;
        await using (blob.Content)
            return ReadFrom(blob.Content, blob.Length);
    }

    private static void WriteTo(Stream stream, ReadOnlySpan<IndexedImage> items, long lastChange)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        MemoryMarshal.Write(header, Magic);
        MemoryMarshal.Write(header[8..], Unsafe.SizeOf<IndexedImage>());
        MemoryMarshal.Write(header[16..], (long)items.Length);
        MemoryMarshal.Write(header[24..], lastChange);
        stream.Write(header);
        var bytes = MemoryMarshal.AsBytes(items);
        const int chunk = 1 << 20;
        for (var start = 0; start < bytes.Length; start += chunk)
            stream.Write(bytes.Slice(start, Math.Min(chunk, bytes.Length - start)));
    }

    private static (IndexedImage[] Items, long LastChange)? ReadFrom(Stream stream, long length)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) != HeaderBytes
            || MemoryMarshal.Read<ulong>(header) != Magic
            || MemoryMarshal.Read<int>(header[8..]) != Unsafe.SizeOf<IndexedImage>())
            return null;
        var count = MemoryMarshal.Read<long>(header[16..]);
        var lastChange = MemoryMarshal.Read<long>(header[24..]);
        if (count < 0 || count > Array.MaxLength || length != HeaderBytes + count * Unsafe.SizeOf<IndexedImage>())
            return null;
        var items = GC.AllocateUninitializedArray<IndexedImage>((int)count);
        var bytes = MemoryMarshal.AsBytes(items.AsSpan());
        return stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) == bytes.Length ? (items, lastChange) : null;
    }

    /// <summary>Writes the items (already in Hilbert order) atomically: temp file, flush, rename.</summary>
    public static void Write(string path, ReadOnlySpan<IndexedImage> items, long lastChange)
    {
        var temp = path + ".part";
        using (var file = File.OpenHandle(temp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            MemoryMarshal.Write(header, Magic);
            MemoryMarshal.Write(header[8..], Unsafe.SizeOf<IndexedImage>());
            MemoryMarshal.Write(header[16..], (long)items.Length);
            MemoryMarshal.Write(header[24..], lastChange);
            RandomAccess.Write(file, header, 0);
            var bytes = MemoryMarshal.AsBytes(items);
            long offset = HeaderBytes;
            const int chunk = 1 << 30;
            for (var start = 0; start < bytes.Length; start += chunk)
            {
                var part = bytes.Slice(start, Math.Min(chunk, bytes.Length - start));
                RandomAccess.Write(file, part, offset);
                offset += part.Length;
            }
            RandomAccess.FlushToDisk(file);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a snapshot; null when absent or not of this format.</summary>
    public static (IndexedImage[] Items, long LastChange)? Read(string path)
    {
        if (!File.Exists(path))
            return null;
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        Span<byte> header = stackalloc byte[HeaderBytes];
        if (RandomAccess.Read(file, header, 0) != HeaderBytes
            || MemoryMarshal.Read<ulong>(header) != Magic
            || MemoryMarshal.Read<int>(header[8..]) != Unsafe.SizeOf<IndexedImage>())
            return null;
        var count = MemoryMarshal.Read<long>(header[16..]);
        var lastChange = MemoryMarshal.Read<long>(header[24..]);
        if (count < 0 || count > Array.MaxLength || RandomAccess.GetLength(file) != HeaderBytes + count * Unsafe.SizeOf<IndexedImage>())
            return null;
        var items = GC.AllocateUninitializedArray<IndexedImage>((int)count);
        var bytes = MemoryMarshal.AsBytes(items.AsSpan());
        long offset = HeaderBytes;
        var done = 0;
        while (done < bytes.Length)
        {
            var read = RandomAccess.Read(file, bytes[done..], offset);
            if (read <= 0)
                return null;
            done += read;
            offset += read;
        }
        return (items, lastChange);
    }
}
