using Dapper;
using Sightline.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Sightline.Storage;

/// <summary>
/// A consistent online copy of an embedded installation (issue 13): the database first, through SQLite's online backup
/// API (a snapshot as of one moment, while the server keeps writing), then the files. Originals and derivatives are
/// written once under content- or key-derived names and never changed in place, so every file the database snapshot
/// references already exists when the files are copied after it; files newer than the snapshot come along and are
/// harmless (the next start sweeps what no row references).
/// </summary>
public static class DataFolderBackup
{
    /// <summary>Folders of the data folder that a restore needs; tmp/ and the search index snapshot are rebuilt.</summary>
    private static readonly string[] Folders = ["originals", "derivatives", "avatars", "keys"];

    /// <summary>True when <paramref name="dataDirectory"/> holds an embedded installation's database.</summary>
    public static bool HoldsInstallation(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, Database.FileName));

    /// <summary>Null when <paramref name="dataDirectory"/> holds an embedded installation; otherwise the one line saying it does not.</summary>
    public static string? MissingInstallation(string dataDirectory) =>
        HoldsInstallation(dataDirectory) ? null : $"{Path.GetFullPath(dataDirectory)} holds no Sightline database";

    public sealed record Summary(long Images, long Users, long Files, long Bytes);

    public static async Task<Summary> BackupAsync(Database source, string target, CancellationToken cancellation = default)
    {
        target = Path.GetFullPath(target);
        RequireEmpty(target, "--to");
        Directory.CreateDirectory(target);

        // The backup API copies pages under a read transaction, so the copy is one committed state even with WAL and
        // concurrent writers; Microsoft.Data.Sqlite runs it in one step (sqlite3_backup_step(-1)).
        var copy = Path.Combine(target, Database.FileName);
        await using (var from = await source.OpenAsync(cancellation))
        await using (var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString()))
        {
            await to.OpenAsync(cancellation);
            from.BackupDatabase(to);
            await to.ExecuteAsync("PRAGMA journal_mode = DELETE"); // one self-contained file, no -wal beside it
        }

        long files = 0, bytes = 0;
        foreach (var folder in Folders)
        {
            var (f, b) = CopyTree(Path.Combine(source.DataDirectory, folder), Path.Combine(target, folder), cancellation);
            files += f;
            bytes += b;
        }
        var (images, users) = await CountsAsync(copy, cancellation);
        return new Summary(images, users, files, bytes + new FileInfo(copy).Length);
    }

    /// <summary>Copies a backup into a new data folder and checks that the database is whole.</summary>
    public static async Task<Summary> RestoreAsync(string from, string data, CancellationToken cancellation = default)
    {
        from = Path.GetFullPath(from);
        data = Path.GetFullPath(data);
        if (!File.Exists(Path.Combine(from, Database.FileName)))
            throw new ArgumentException($"--from {from} holds no {Database.FileName}: not a Sightline backup");
        RequireEmpty(data, "--data");
        var (files, bytes) = CopyTree(from, data, cancellation);
        var restored = new Database(data);
        await using (var connection = await restored.OpenAsync(cancellation))
        {
            var check = await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check");
            if (check != "ok")
                throw new ArgumentException($"the backup's database is damaged: {check}");
        }
        restored.Migrate(); // a backup of an older version is upgraded like any data folder
        SqliteConnection.ClearAllPools();
        var (images, users) = await CountsAsync(Path.Combine(data, Database.FileName), cancellation);
        return new Summary(images, users, files, bytes);
    }

    private static void RequireEmpty(string folder, string option)
    {
        if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
            throw new ArgumentException($"{option} {folder} must be a new or empty folder");
    }

    private static (long Files, long Bytes) CopyTree(string from, string to, CancellationToken cancellation)
    {
        if (!Directory.Exists(from))
            return (0, 0);
        long files = 0, bytes = 0;
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            cancellation.ThrowIfCancellationRequested();
            var destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            try
            {
                File.Copy(file, destination);
            }
            catch (FileNotFoundException)
            {
                continue; // deleted since it was listed (a photo deleted after the snapshot): the snapshot may name it, nothing to copy
            }
            files++;
            bytes += new FileInfo(destination).Length;
        }
        return (files, bytes);
    }

    private static async Task<(long Images, long Users)> CountsAsync(string databaseFile, CancellationToken cancellation)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databaseFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellation);
        var images = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM images");
        var users = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users");
        return (images, users);
    }
}
