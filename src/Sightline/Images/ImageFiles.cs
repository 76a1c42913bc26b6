using System.Runtime.InteropServices;
using Sightline.Storage;

namespace Sightline.Images;

/// <summary>
/// Where an image's files live in the data folder, and how they are written so that a crash never
/// leaves a half-written file under its final name: temp file, fsync, rename, fsync the folder.
/// </summary>
public sealed class ImageFiles(Database database)
{
    public static readonly IReadOnlyList<int> ThumbnailWidths = [320, 640, 1024, 2048];

    private string Root => database.DataDirectory;
    public string TempDirectory => Path.Combine(Root, "tmp");

    /// <summary>The original, named by its content hash so identical files are stored once.</summary>
    public string OriginalPath(string contentHash) => Path.Combine(Root, "originals", contentHash[..2], contentHash + ".jpg");

    public string DerivativeDirectory(string imageKey) => Path.Combine(Root, "derivatives", imageKey[..2], imageKey);

    /// <summary>
    /// A thumbnail of one set of derivatives: version 0 is made at ingest, each later version after blurs are applied,
    /// so a new set never overwrites the files the previous one is still serving.
    /// </summary>
    public string ThumbnailPath(string imageKey, int width, int version = 0) =>
        Path.Combine(DerivativeDirectory(imageKey), version == 0 ? $"thumb-{width}.jpg" : $"thumb-{width}.v{version}.jpg");

    /// <summary>A fresh temporary file name in the data folder (same file system as the final names, so rename is atomic).</summary>
    public string NewTempPath()
    {
        Directory.CreateDirectory(TempDirectory);
        return Path.Combine(TempDirectory, $"{Guid.NewGuid():N}.part");
    }

    /// <summary>Moves a synced temp file to its final name and syncs the folder; returns false when the target already existed.</summary>
    public static bool Publish(string tempPath, string finalPath)
    {
        var folder = Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(folder);
        if (File.Exists(finalPath))
        {
            File.Delete(tempPath);
            return false;
        }
        File.Move(tempPath, finalPath, overwrite: true);
        SyncDirectory(folder);
        return true;
    }

    /// <summary>Writes bytes under <paramref name="finalPath"/> atomically and durably, replacing any previous file.</summary>
    public void WriteAtomically(string finalPath, ReadOnlySpan<byte> bytes)
    {
        var temp = NewTempPath();
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        var folder = Path.GetDirectoryName(finalPath)!;
        Directory.CreateDirectory(folder);
        File.Move(temp, finalPath, overwrite: true);
        SyncDirectory(folder);
    }

    public void DeleteDerivatives(string imageKey)
    {
        var folder = DerivativeDirectory(imageKey);
        // The worker may be moving a thumbnail into this folder while it is emptied (an upload deleted
        // while it is processed), and then the folder is not empty when it is removed: try again
        // until the worker is done with it; it stops once it finds the image gone.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
                return;
            }
            catch (IOException) when (attempt < 50 && Directory.Exists(folder))
            {
                Thread.Sleep(20);
            }
        }
    }

    public void DeleteOriginal(string contentHash)
    {
        var path = OriginalPath(contentHash);
        if (File.Exists(path))
            File.Delete(path);
    }

    /// <summary>
    /// The originals on disk older than <paramref name="olderThan"/>, by content hash, in batches: the start-up sweep looks
    /// each batch up and deletes those no upload references (a crash between the rename and the commit leaves one).
    /// </summary>
    public IEnumerable<IReadOnlyList<string>> OriginalBatches(DateTime olderThan, int batchSize = 500)
    {
        var folder = Path.Combine(Root, "originals");
        if (!Directory.Exists(folder))
            yield break;
        var batch = new List<string>(batchSize);
        foreach (var file in Directory.EnumerateFiles(folder, "*.jpg", SearchOption.AllDirectories))
        {
            var hash = Path.GetFileNameWithoutExtension(file);
            if (hash.Length != 64 || File.GetLastWriteTimeUtc(file) >= olderThan)
                continue;
            batch.Add(hash);
            if (batch.Count == batchSize)
            {
                yield return batch;
                batch = new List<string>(batchSize);
            }
        }
        if (batch.Count > 0)
            yield return batch;
    }

    /// <summary>Removes temporary files left by a crash; called once at start, before any upload runs.</summary>
    public void ClearTemp()
    {
        if (Directory.Exists(TempDirectory))
            foreach (var file in Directory.EnumerateFiles(TempDirectory, "*.part"))
                File.Delete(file);
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
