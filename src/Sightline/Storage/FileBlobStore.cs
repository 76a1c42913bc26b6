using System.Runtime.InteropServices;

namespace Sightline.Storage;

/// <summary>
/// Objects as files under the data folder (the key is the relative path), written so that a crash never leaves a
/// half-written file under its final name: temp file, fsync, rename, fsync the folder.
/// </summary>
public sealed class FileBlobStore(StorageOptions options) : IBlobStore
{
    private string Root => options.DataDirectory;
    private string TempDirectory => Path.Combine(Root, "tmp");

    private string PathOf(string key)
    {
        if (key.Length == 0 || key.StartsWith('/') || key.Contains("..") || key.Contains('\\'))
            throw new ArgumentException($"'{key}' is not an object key");
        return Path.Combine(Root, key);
    }

    public async Task WriteAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellation = default)
    {
        var finalPath = PathOf(key);
        Directory.CreateDirectory(TempDirectory);
        var temp = Path.Combine(TempDirectory, $"{Guid.NewGuid():N}.part");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await write(stream, cancellation);
                stream.Flush(flushToDisk: true);
            }
            var folder = Path.GetDirectoryName(finalPath)!;
            Directory.CreateDirectory(folder);
            File.Move(temp, finalPath, overwrite: true);
            SyncDirectory(folder);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    public Task<bool> AddFileAsync(string key, string localFile, CancellationToken cancellation = default)
    {
        var finalPath = PathOf(key);
        var folder = Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(folder);
        if (File.Exists(finalPath))
        {
            File.Delete(localFile);
            return Task.FromResult(false);
        }
        // Scratch files live in the data folder, so this is a rename on one file system (atomic).
        File.Move(localFile, finalPath, overwrite: true);
        SyncDirectory(folder);
        return Task.FromResult(true);
    }

    public Task<Blob?> OpenReadAsync(string key, CancellationToken cancellation = default)
    {
        try
        {
            var file = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous);
            return Task.FromResult<Blob?>(new Blob(file, file.Length, null));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Blob?>(null);
        }
    }

    public string? DirectReadUrl(string key) => null;

    public Task<bool> ExistsAsync(string key, CancellationToken cancellation = default) => Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key, CancellationToken cancellation = default)
    {
        var path = PathOf(key);
        if (File.Exists(path))
            File.Delete(path);
        return Task.CompletedTask;
    }

    public async Task DeletePrefixAsync(string prefix, CancellationToken cancellation = default)
    {
        if (!prefix.EndsWith('/'))
            throw new ArgumentException("only folder prefixes (ending with '/') are supported by the file store");
        var folder = PathOf(prefix.TrimEnd('/'));
        // A worker may be moving a file into this folder while it is emptied (an upload deleted while it is processed),
        // and then the folder is not empty when it is removed: try again while the worker finishes. A worker that is still
        // writing after the deadline (a loaded machine, photo threads at a lower priority) removes what it made itself once
        // it finds its image gone (JobWorker), so the caller, whose record is already deleted, is not failed for it.
        var deadline = DateTime.UtcNow + ConcurrentWriterPatience;
        while (true)
        {
            try
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
                return;
            }
            catch (IOException)
            {
                // Gone meanwhile: another deletion of the same folder (a photo's deletion and the worker that was processing
                // it remove its thumbnails at the same moment) took files from under this one's feet and finished first.
                if (!Directory.Exists(folder) || DateTime.UtcNow >= deadline)
                    return;
                await Task.Delay(20, cancellation);
            }
        }
    }

    private static readonly TimeSpan ConcurrentWriterPatience = TimeSpan.FromSeconds(10);

    public async IAsyncEnumerable<BlobEntry> ListAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        if (!prefix.EndsWith('/'))
            throw new ArgumentException("only folder prefixes (ending with '/') are supported by the file store");
        var folder = PathOf(prefix.TrimEnd('/'));
        if (!Directory.Exists(folder))
            yield break;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            cancellation.ThrowIfCancellationRequested();
            var info = new FileInfo(file);
            if (!info.Exists)
                continue; // removed while listed
            yield return new BlobEntry(Path.GetRelativePath(Root, file).Replace(Path.DirectorySeparatorChar, '/'), info.LastWriteTimeUtc);
        }
        await Task.CompletedTask;
    }

    // A rename is durable only once the folder holding the new name is synced (POSIX).
    private static void SyncDirectory(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return;
        var fd = Open(folder, 0 /* O_RDONLY */);
        if (fd < 0)
            return;
        try { _ = Fsync(fd); }
        finally { _ = Close(fd); }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
