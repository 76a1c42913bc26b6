using System.CommandLine;
using Sightline.Storage;

namespace Sightline.Cli;

/// <summary><c>sightline backup --to DIR</c> and <c>sightline restore --from DIR --data NEWDIR</c> (issue 13).</summary>
public static class BackupCommand
{
    public static IEnumerable<Command> Create(TextReader input)
    {
        var to = new Option<string>("--to") { Description = "A new or empty folder to write the backup to", Required = true };
        var backup = new Command("backup", "Copy the data folder consistently, while the server runs: the database (SQLite online backup), then the files") { to };
        backup.SetAction(CommandContext.Action(input, async context =>
        {
            if (DataFolderBackup.MissingInstallation(context.DataDirectory) is { } missing)
                return context.Fail(missing);
            var summary = await DataFolderBackup.BackupAsync(new Sightline.Storage.Sqlite.Database(context.DataDirectory), context.Value(to));
            return context.Succeed(
                $"backed up {summary.Images} images and {summary.Users} users ({summary.Files} files, {summary.Bytes / 1_000_000.0:0.0} MB) to {Path.GetFullPath(context.Value(to))}",
                new { images = summary.Images, users = summary.Users, files = summary.Files, bytes = summary.Bytes });
        }));

        yield return backup;

        var from = new Option<string>("--from") { Description = "A folder written by 'sightline backup'", Required = true };
        var restore = new Command("restore", "Restore a backup into a new data folder (given with --data); start the server on it afterwards") { from };
        restore.SetAction(CommandContext.Action(input, async context =>
        {
            var summary = await DataFolderBackup.RestoreAsync(context.Value(from), context.DataDirectory);
            return context.Succeed(
                $"restored {summary.Images} images and {summary.Users} users into {Path.GetFullPath(context.DataDirectory)}",
                new { images = summary.Images, users = summary.Users, files = summary.Files, bytes = summary.Bytes });
        }));
        yield return restore;
    }
}
