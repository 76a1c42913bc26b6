using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Operations;

/// <summary>GET /v2/me/takeout (issue 13): a ZIP of the originals, GeoJSON of photos and sequences, GPX per sequence, comments.</summary>
public sealed class TakeoutTests
{
    [Fact]
    public async Task TheZipHoldsTheOriginalsGeoJsonGpxAndComments()
    {
        await using var server = await TestServer.StartAsync();
        var uploader = await Uploader.CreateAsync(server, "leaving", "public:upload public:write user:read");
        var photos = Enumerable.Range(0, 2).Select(i => Photos.Jpeg(new PhotoSpec
        {
            Lat = 50 + i * 0.0001, Lon = 4, Taken = new DateTime(2024, 3, 1, 10, 0, 0).AddSeconds(i * 2), Seed = i,
        })).ToArray();
        var keys = new List<string>();
        for (var i = 0; i < photos.Length; i++)
        {
            var key = await uploader.UploadAsync($"p{i}", photos[i]);
            await uploader.WaitUntilProcessedAsync(key);
            keys.Add(key);
        }
        using (var comment = new StringContent("{\"cm\":\"my own street\"}", Encoding.UTF8, "application/json"))
        using (var posted = await uploader.SendAsync(HttpMethod.Post, $"/v2/im/{keys[0]}/cm", comment))
            Assert.Equal(System.Net.HttpStatusCode.OK, posted.StatusCode);

        HttpResponseMessage response;
        try
        {
            response = await uploader.SendAsync(HttpMethod.Get, "/v2/me/takeout");
        }
        catch (HttpRequestException e)
        {
            // The status was sent before the archive failed: the server's log says why.
            throw new InvalidOperationException(server.Logs.Entries.LastOrDefault(l => l.Exception is not null).Exception?.ToString(), e);
        }
        using var _ = response;
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        using var zip = new ZipArchive(new MemoryStream(body), ZipArchiveMode.Read);

        for (var i = 0; i < keys.Count; i++)
            Assert.Equal(photos[i], Read(zip, $"originals/{keys[i]}.jpg"));
        using var geojson = JsonDocument.Parse(Read(zip, "photos.geojson"));
        var features = geojson.RootElement.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(keys.Order(), features.Select(f => f.GetProperty("properties").GetProperty("key").GetString()!).Order());
        var sequenceKey = features[0].GetProperty("properties").GetProperty("sequence_key").GetString()!;
        using var sequences = JsonDocument.Parse(Read(zip, "sequences.geojson"));
        Assert.Equal("LineString", sequences.RootElement.GetProperty("features")[0].GetProperty("geometry").GetProperty("type").GetString());
        var gpx = XDocument.Parse(Encoding.UTF8.GetString(Read(zip, $"sequences/{sequenceKey}.gpx")));
        Assert.Equal(2, gpx.Descendants(XName.Get("trkpt", "http://www.topografix.com/GPX/1/1")).Count());
        using var comments = JsonDocument.Parse(Read(zip, "comments.json"));
        Assert.Equal("my own street", comments.RootElement[0].GetProperty("comment").GetString());
    }

    [Fact]
    public async Task PrivatePhotosAreInItOnlyWithPrivateRead()
    {
        await using var server = await TestServer.StartAsync();
        var uploader = await Uploader.CreateAsync(server, "surveyor", "public:upload private:upload user:read");
        await server.AdminAsync("", "projects", "add", "--key", "survey", "--name", "Survey", "--owner", "surveyor");
        var photo = Photos.Jpeg(new PhotoSpec { Lat = 48, Lon = 2, Taken = new DateTime(2024, 3, 1, 10, 0, 0), Seed = 7 });
        var key = await uploader.UploadAsync("private-one", photo, "&project=survey");
        var reader = new Uploader(server, uploader.Username, uploader.ClientId,
            await server.IssueTokenAsync(uploader.Username, uploader.ClientId, "user:read private:read"));
        await reader.WaitUntilProcessedAsync(key);

        using var without = new ZipArchive(new MemoryStream(await (await uploader.SendAsync(HttpMethod.Get, "/v2/me/takeout")).Content.ReadAsByteArrayAsync()));
        using var with = new ZipArchive(new MemoryStream(await (await reader.SendAsync(HttpMethod.Get, "/v2/me/takeout")).Content.ReadAsByteArrayAsync()));

        Assert.Null(without.GetEntry($"originals/{key}.jpg"));
        Assert.DoesNotContain(key, Encoding.UTF8.GetString(Read(without, "photos.geojson")));
        Assert.Equal(photo, Read(with, $"originals/{key}.jpg"));
        Assert.Contains(key, Encoding.UTF8.GetString(Read(with, "photos.geojson")));
    }

    [Fact]
    public async Task ItNeedsUserRead()
    {
        await using var server = await TestServer.StartAsync();
        var uploader = await Uploader.CreateAsync(server, "no_read", "public:upload");
        await ContractAssert.Error(await uploader.SendAsync(HttpMethod.Get, "/v2/me/takeout"), "user_not_authenticated");
    }

    [Fact]
    public async Task AnUnprocessedPhotoHasTheCaItWillShowOnceProcessedAlone()
    {
        // Spec §1.4: ca is a number. A photo not yet processed has no sequence, so no direction of travel: it shows its own
        // angle when it has one, or else 0 (north), what /v2/im shows for it once it is processed as a photo on its own.
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var taken = new DateTime(2024, 3, 1, 10, 0, 0);
            Uploader paused;
            string without, with;
            await using (var receiving = await TestServer.StartAsync(new Dictionary<string, string?> { ["Processing:Workers"] = "0" }, dataDirectory: data))
            {
                paused = await Uploader.CreateAsync(receiving, "early", "public:upload user:read");
                without = await paused.UploadAsync("no-direction", Photos.Jpeg(new PhotoSpec { Lat = 40, Lon = 10, Taken = taken, Seed = 1 }));
                with = await paused.UploadAsync("direction", Photos.Jpeg(new PhotoSpec { Lat = -40, Lon = -10, Taken = taken, Seed = 2, Ca = 33 }));
                var before = await TakeoutCasAsync(paused);
                Assert.Equal(("received", 0.0), before[without]);
                Assert.Equal(("received", 33.0), before[with]);
            }

            await using var processing = await TestServer.StartAsync(dataDirectory: data);
            var resumed = paused.On(processing);
            Assert.Equal(0, (await resumed.WaitUntilProcessedAsync(without)).GetProperty("ca").GetDouble());
            Assert.Equal(33, (await resumed.WaitUntilProcessedAsync(with)).GetProperty("ca").GetDouble(), 0.05);
            var after = await TakeoutCasAsync(resumed);
            Assert.Equal(("done", 0.0), after[without]);
            Assert.Equal(("done", 33.0), (after[with].State, Math.Round(after[with].Ca, 1)));
        }
        finally
        {
            TestServer.DeleteData(data);
        }
    }

    private static async Task<Dictionary<string, (string State, double Ca)>> TakeoutCasAsync(Uploader uploader)
    {
        using var response = await uploader.SendAsync(HttpMethod.Get, "/v2/me/takeout");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        using var geojson = JsonDocument.Parse(Read(zip, "photos.geojson"));
        return geojson.RootElement.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties")).ToDictionary(
            p => p.GetProperty("key").GetString()!,
            p => (p.GetProperty("state").GetString()!, p.GetProperty("ca").ValueKind == JsonValueKind.Number ? p.GetProperty("ca").GetDouble() : double.NaN));
    }

    private static byte[] Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"{name} is not in the takeout: {string.Join(", ", zip.Entries.Select(e => e.FullName))}");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
