using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Sightline.Storage;

namespace Sightline.Cli;

/// <summary>
/// <c>sightline migrate-storage --from DATA --to-database postgres://… [--to-blobs s3://bucket/prefix]</c> (issue 10):
/// moves an embedded installation onto the scale-out backends. Run it with the server stopped.
/// </summary>
public static class MigrateStorageCommand
{
    public static Command Create(TextReader input)
    {
        var from = new Option<string>("--from") { Description = "The data folder of the embedded installation to move (stop its server first)", Required = true };
        var toDatabase = new Option<string>("--to-database") { Description = "postgres://user:password@host:port/database (or an Npgsql connection string) of a new, empty database", Required = true };
        var toBlobs = new Option<string?>("--to-blobs") { Description = "s3://bucket/optional-prefix to copy the files to (Storage:S3:* settings apply); without it the files stay in the data folder" };
        var command = new Command("migrate-storage", "Copy an embedded installation (SQLite and its files) into PostgreSQL and, optionally, an S3 object store")
        {
            from, toDatabase, toBlobs,
        };
        command.SetAction(CommandContext.Action(input, async context =>
        {
            var folder = Path.GetFullPath(context.Value(from));
            if (DataFolderBackup.MissingInstallation(folder) is { } missing)
                return context.Fail(missing);
            var environment = StorageServices.Configuration();
            // The source is always the embedded backends of --from, whatever Storage__* says in the environment.
            var sourceSettings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Database"] = "",
                ["Storage:Blobs"] = "",
            }).Build();
            var targetSettings = new ConfigurationBuilder().AddConfiguration(environment).AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Database"] = context.Value(toDatabase),
                ["Storage:Blobs"] = context.Value(toBlobs) ?? "",
                ["Storage:Redis"] = "",
            }).Build();
            using var source = StorageServices.Open(folder, sourceSettings);
            using var target = StorageServices.Open(folder, targetSettings);
            // A data folder from before issue 10 keeps its Data Protection keys in keys/: they go into its database first,
            // as its own server would take them at start, so that they move too (people stay signed in).
            new StoredDataProtectionKeys(source.GetRequiredService<IDataProtectionKeyStore>(), source.GetRequiredService<StorageOptions>(),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<StoredDataProtectionKeys>.Instance).GetAllElements();
            var copyBlobs = !string.IsNullOrWhiteSpace(context.Value(toBlobs));
            context.Output.WriteLine($"migrating {folder} to PostgreSQL{(copyBlobs ? $" and {context.Value(toBlobs)}" : "")}");
            var summary = await StorageMigration.RunAsync(
                source.GetRequiredService<Sightline.Storage.Sqlite.Database>(),
                target.GetRequiredService<Sightline.Storage.Postgres.PostgresDatabase>(),
                source.GetRequiredService<IBlobStore>(),
                copyBlobs ? target.GetRequiredService<IBlobStore>() : null,
                context.Output);
            if (summary.Skipped.Count > 0)
                context.Output.WriteLine($"  not copied (no such table on PostgreSQL): {string.Join(", ", summary.Skipped)}");
            var files = copyBlobs
                ? $"{summary.Blobs} blobs ({summary.Bytes / 1_000_000.0:0.0} MB)"
                : $"no blobs (keep --data {folder} for the files)";
            return context.Succeed(
                $"migrated {summary.Rows} rows in {summary.Tables.Count} tables and {files}",
                new
                {
                    rows = summary.Rows,
                    tables = summary.Tables.ToDictionary(t => t.Table, t => t.Rows),
                    skipped = summary.Skipped,
                    blobs = summary.Blobs,
                    bytes = summary.Bytes,
                });
        }));
        return command;
    }
}
