using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using Sightline.Import;

namespace Sightline.Cli;

/// <summary><c>sightline import DIR</c>: uploads a folder of geotagged JPEGs to a server, resumably.</summary>
public static class ImportCommand
{
    public static Command Create(TextReader input)
    {
        var folder = new Argument<string>("DIR") { Description = "Folder to walk for .jpg/.jpeg files" };
        var server = new Option<string>("--server") { Description = "Server base URL, e.g. http://127.0.0.1:5080", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "The application's client_id", Required = true };
        var token = new Option<string>("--token") { Description = "A user token with public:upload (private:upload with --project)", Required = true };
        var project = new Option<string?>("--project") { Description = "Upload privately into this project" };
        var gpx = new Option<string?>("--gpx") { Description = "GPX track to geotag photos that have no GPS position" };
        var jobs = new Option<int>("--jobs") { Description = "Parallel uploads", DefaultValueFactory = _ => 4 };
        jobs.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => int.TryParse(t.Value, out var n) && n < 1))
                result.AddError("--jobs must be a whole number from 1 up");
        });
        var timeOffset = new Option<string?>("--time-offset")
        {
            Description = "Seconds to add to every capture time, for a camera clock that was wrong (e.g. -3600 when it ran an hour ahead)",
        };
        var import = new Command("import", "Upload a folder of JPEGs in capture order per camera; a rerun resumes and sends nothing twice")
        {
            folder, server, clientId, token, project, gpx, jobs, timeOffset,
        };
        import.SetAction(CommandContext.Action(input, async context =>
        {
            var directory = context.Value(folder);
            if (!Directory.Exists(directory))
                return context.Fail($"no folder '{directory}'");
            if (!Uri.TryCreate(context.Value(server), UriKind.Absolute, out var baseAddress))
                return context.Fail("--server must be an absolute URL");
            if (!CameraClock.TryParseOffset(context.Value(timeOffset), out var offset))
                return context.Fail("--time-offset must be a number of seconds, such as -3600 or 1.5");
            var track = context.Value(gpx) is { } gpxPath ? GpxTrack.Load(gpxPath) : null;

            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", context.Value(token));
            // One clear refusal before any photo: server down, unknown or disabled client, wrong token or scope.
            using (var quick = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) })
            {
                quick.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
                if (await ImportPreflight.CheckAsync(quick, context.Value(clientId), context.Value(project), CancellationToken.None) is { } problem)
                    return context.Fail(problem);
            }
            var importer = new PhotoImporter(http, context.Value(clientId), context.Value(project), track, context.Value(jobs), offset);

            var files = PhotoImporter.FindPhotos(directory);
            var others = PhotoImporter.FindOthers(directory);
            var clock = Stopwatch.StartNew();
            TimeSpan? lastDrawn = null;
            var gate = new object();
            var results = await importer.RunAsync(files, (done, total) =>
            {
                lock (gate)
                {
                    if (done != total && lastDrawn is { } drawn && clock.Elapsed - drawn < TimeSpan.FromMilliseconds(250))
                        return;
                    lastDrawn = clock.Elapsed;
                    context.Error.Write("\r" + PhotoImporter.ProgressLine(done, total, clock));
                    if (done == total)
                        context.Error.WriteLine();
                }
            }, CancellationToken.None);
            results = [.. results, .. others];

            foreach (var result in results.Where(r => r.Outcome is PhotoImporter.Outcome.Skipped or PhotoImporter.Outcome.Failed))
                context.Output.WriteLine($"{result.Outcome.ToString().ToLowerInvariant()}: {Path.GetRelativePath(directory, result.Path)}: {result.Reason}");
            long Count(PhotoImporter.Outcome outcome) => results.Count(r => r.Outcome == outcome);
            var summary = new
            {
                uploaded = Count(PhotoImporter.Outcome.Uploaded),
                already_there = Count(PhotoImporter.Outcome.AlreadyThere),
                skipped = Count(PhotoImporter.Outcome.Skipped),
                failed = Count(PhotoImporter.Outcome.Failed),
                seconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            };
            var table = string.Join(Environment.NewLine,
                "| uploaded | already there | skipped | failed | seconds |",
                "| --- | --- | --- | --- | --- |",
                $"| {summary.uploaded} | {summary.already_there} | {summary.skipped} | {summary.failed} | {summary.seconds} |");
            context.Succeed(table, summary);
            return summary.failed > 0 ? 1 : 0;
        }));
        return import;
    }
}
