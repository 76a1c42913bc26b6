using System.CommandLine;
using Sightline.Search.Bench;

namespace Sightline.Cli;

/// <summary><c>sightline bench-data</c>: a synthetic archive for measuring search at scale.</summary>
public static class BenchDataCommand
{
    public static Command Create(TextReader input)
    {
        var images = new Option<int>("--images") { Description = "How many images to write", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed (the same seed writes the same archive, keys aside)", DefaultValueFactory = _ => 1 };
        var postgis = new Option<string?>("--postgis-csv") { Description = "Also write id,lon,lat,captured_at lines to this file, for loading elsewhere" };
        var command = new Command("bench-data", "Write a synthetic archive (metadata only) into a data folder without images") { images, seed, postgis };
        command.SetAction(CommandContext.Action(input, context =>
        {
            var count = context.Value(images);
            if (count <= 0)
                return Task.FromResult(context.Fail("--images must be positive"));
            var report = new SyntheticArchive(context.Store<Storage.Sqlite.Database>(), context.Value(seed)).Generate(count, context.Output, context.Value(postgis));
            return Task.FromResult(context.Succeed(
                $"wrote {report.Images:N0} images in {report.Sequences:N0} sequences in {report.Elapsed.TotalSeconds:F1} s; query points in {report.PointsFile}",
                new { images = report.Images, sequences = report.Sequences, seconds = Math.Round(report.Elapsed.TotalSeconds, 1), points = report.PointsFile }));
        }, createsInstallation: true));
        return command;
    }
}

/// <summary><c>sightline bench-index</c>: the benchmark's queries in process, on the in-memory index and on SQLite's R*Tree.</summary>
public static class BenchIndexCommand
{
    public static Command Create(TextReader input)
    {
        var queries = new Option<int>("--queries") { Description = "Queries of each kind", DefaultValueFactory = _ => 20_000 };
        var rtree = new Option<int>("--rtree-images") { Description = "Also index this many images in SQLite's R*Tree and compare (0: skip)", DefaultValueFactory = _ => 0 };
        var command = new Command("bench-index", "Measure search queries in process on a bench-data folder") { queries, rtree };
        command.SetAction(CommandContext.Action(input, context =>
        {
            if (Storage.DataFolderBackup.MissingInstallation(context.DataDirectory) is { } missing)
                return Task.FromResult(context.Fail(missing));
            new Search.Bench.IndexBenchmark(new Storage.Sqlite.Database(context.DataDirectory), context.Output).Run(context.Value(queries), context.Value(rtree));
            return Task.FromResult(0);
        }));
        return command;
    }
}
