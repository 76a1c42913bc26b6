// Ingest benchmark: N generated 12-megapixel geotagged JPEGs through the whole upload path (HTTP, EXIF,
// four thumbnails, database, sequences), next to vipsthumbnail making the same four sizes from the same
// files on the same machine in the same run. Prints both rates and their ratio.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using NetVips;
using Sightline.Cli;
using Sightline.Hosting;
using Vips = NetVips.Image;

var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 40;
var parallel = Environment.ProcessorCount;
var work = Path.Combine(Path.GetTempPath(), $"sightline-bench-{Guid.NewGuid():N}");
var photosDir = Path.Combine(work, "photos");
Directory.CreateDirectory(photosDir);
try
{
    Console.WriteLine($"generating {count} 4000x3000 JPEGs with GPS and time EXIF...");
    var files = Enumerable.Range(0, count).Select(i => Generate(photosDir, i)).ToArray();
    var megabytes = files.Sum(f => new FileInfo(f).Length) / 1e6;
    Console.WriteLine($"  {megabytes / count:F1} MB each on average; {parallel} cores, {parallel} parallel clients / workers");

    var reference = RunVipsThumbnail(files, Path.Combine(work, "vipsthumbnail"), parallel);
    var ingest = await RunSightlineAsync(files, Path.Combine(work, "data"), parallel);

    Console.WriteLine();
    Console.WriteLine($"| what | images | seconds | images/s |");
    Console.WriteLine($"| --- | --- | --- | --- |");
    if (reference is { } r)
        Console.WriteLine($"| vipsthumbnail, 4 sizes | {count} | {r:F2} | {count / r:F2} |");
    Console.WriteLine($"| sightline ingest (HTTP, EXIF, 4 sizes, DB) | {count} | {ingest:F2} | {count / ingest:F2} |");
    if (reference is { } rr)
        Console.WriteLine($"ratio sightline / vipsthumbnail: {rr / ingest:F2} (goal >= 0.8)");
}
finally
{
    Directory.Delete(work, recursive: true);
}

static string Generate(string folder, int i)
{
    using var noise = Vips.Gaussnoise(4000, 3000, mean: 0, sigma: 12);
    using var ramp = Vips.Xyz(4000, 3000);
    using var x = ramp[0] * (200.0 / 4000);
    using var y = ramp[1] * (200.0 / 3000);
    using var r = x + noise + 20;
    using var g = y + noise + 20;
    using var b = (x + y) * 0.5 + noise + (i % 30);
    using var rgb = r.Bandjoin(g, b).Cast(Enums.BandFormat.Uchar);
    using var tagged = rgb.Mutate(m =>
    {
        var lat = 48.85 + i * 0.0001;
        m.Set(GValue.GStrType, "exif-ifd3-GPSLatitude", $"48/1 51/1 {(long)((lat - 48.85) * 3600 * 10000)}/10000");
        m.Set(GValue.GStrType, "exif-ifd3-GPSLatitudeRef", "N");
        m.Set(GValue.GStrType, "exif-ifd3-GPSLongitude", "2/1 21/1 0/1");
        m.Set(GValue.GStrType, "exif-ifd3-GPSLongitudeRef", "E");
        m.Set(GValue.GStrType, "exif-ifd2-DateTimeOriginal", new DateTime(2024, 9, 1, 10, 0, 0).AddSeconds(2 * i).ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture));
    });
    var path = Path.Combine(folder, $"photo-{i:D4}.jpg");
    tagged.Jpegsave(path, q: 90);
    return path;
}

static double? RunVipsThumbnail(string[] files, string output, int parallel)
{
    if (!File.Exists("/usr/bin/vipsthumbnail"))
    {
        Console.WriteLine("vipsthumbnail not found (apt-get install libvips-tools); reference skipped");
        return null;
    }
    Directory.CreateDirectory(output);
    var clock = Stopwatch.StartNew();
    Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = parallel }, file =>
    {
        foreach (var width in new[] { 320, 640, 1024, 2048 })
        {
            var target = Path.Combine(output, $"{Path.GetFileNameWithoutExtension(file)}-{width}.jpg[Q=85,strip]");
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/vipsthumbnail", [file, "-s", $"{width}x", "-o", target]))!;
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"vipsthumbnail failed on {file}");
        }
    });
    return clock.Elapsed.TotalSeconds;
}

static async Task<double> RunSightlineAsync(string[] files, string data, int parallel)
{
    Directory.CreateDirectory(data);
    new Sightline.Storage.Sqlite.Database(data).Migrate();
    async Task<JsonElement> Admin(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        if (await SightlineCli.RunAsync([.. args, "--data", data, "--json"], new StringReader(stdin), output, error) != 0)
            throw new InvalidOperationException(error.ToString());
        return JsonDocument.Parse(output.ToString().TrimEnd().Split('\n')[^1]).RootElement.Clone();
    }
    await Admin("bench password\n", "users", "add", "--username", "bench", "--email", "bench@example.org");
    var clientId = (await Admin("", "clients", "add", "--name", "bench", "--redirect-uri", "https://bench.example.org/cb")).GetProperty("client_id").GetString();
    var token = (await Admin("", "tokens", "issue", "--user", "bench", "--client", clientId!, "--scopes", "public:upload")).GetProperty("token").GetString();

    var app = SightlineServer.Build(new SightlineServer.Settings(data, "http://127.0.0.1:0", new Dictionary<string, string?>
    {
        ["Processing:Workers"] = parallel.ToString(CultureInfo.InvariantCulture),
        ["Logging:LogLevel:Default"] = "Warning",
    }));
    await app.StartAsync();
    using var http = new HttpClient { BaseAddress = new Uri(SightlineServer.ListeningAddresses(app).Single()) };
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (file, _) =>
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await http.PostAsync($"/v2/me/uploads/images/{Path.GetFileNameWithoutExtension(file)}?client_id={clientId}", content);
        response.EnsureSuccessStatusCode();
    });
    var acknowledged = clock.Elapsed.TotalSeconds;
    while (true)
    {
        var status = JsonDocument.Parse(await http.GetStringAsync($"/v2/me/uploads/status?client_id={clientId}")).RootElement;
        if (status.GetProperty("failed").GetInt64() > 0)
            throw new InvalidOperationException("an upload failed");
        if (status.GetProperty("done").GetInt64() == files.Length)
            break;
        await Task.Delay(20);
    }
    var total = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"  sightline: all {files.Length} acknowledged after {acknowledged:F2} s, all processed after {total:F2} s");
    await app.StopAsync();
    await app.DisposeAsync();
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    return total;
}
