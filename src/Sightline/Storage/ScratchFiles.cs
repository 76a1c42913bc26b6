namespace Sightline.Storage;

/// <summary>
/// Node-local scratch files (an upload while it is checked, before it becomes an object): in the data folder's
/// <c>tmp/</c>, on the same file system as <see cref="FileBlobStore"/>'s objects so that adding one is a rename.
/// </summary>
public sealed class ScratchFiles(StorageOptions options)
{
    private string Folder => Path.Combine(options.DataDirectory, "tmp");

    /// <summary>A fresh file name; the file is removed when the returned handle is disposed, unless it was moved away.</summary>
    public ScratchFile Create()
    {
        Directory.CreateDirectory(Folder);
        return new ScratchFile(Path.Combine(Folder, $"{Guid.NewGuid():N}.part"));
    }

    /// <summary>Removes scratch files left by a crash; called once at start, before any upload runs.</summary>
    public void Clear()
    {
        if (Directory.Exists(Folder))
            foreach (var file in Directory.EnumerateFiles(Folder, "*.part"))
                File.Delete(file);
    }
}

/// <summary>One scratch file: write it, read it, hand it to <see cref="IBlobStore.AddFileAsync"/>; disposing removes what is left.</summary>
public sealed class ScratchFile(string path) : IDisposable
{
    public string Path { get; } = path;

    /// <summary>A new file for writing; <see cref="FileStream.Flush(bool)"/> with true makes it durable.</summary>
    public FileStream OpenWrite() =>
        new(Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);

    public FileStream OpenRead() => File.OpenRead(Path);

    public void Dispose()
    {
        if (File.Exists(Path))
            File.Delete(Path);
    }
}
