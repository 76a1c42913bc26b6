using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Contract;
using Sightline.Search;
using Sightline.Search.Index;

namespace Sightline.Tests.Search;

/// <summary>
/// The box and close searches write their answers themselves (<see cref="ImageListAnswer"/>, issue 14): the bytes must be
/// exactly what the serializer writes for the same page as <see cref="SearchDtos.ImageList"/>, served with a length.
/// </summary>
[Collection(SearchArchiveCollection.Name)]
public sealed class ImageListAnswerTests(SearchArchive archive)
{
    private ImageSearch Search => archive.Server.Services.GetRequiredService<ImageSearch>();

    [Fact]
    public void PagesAreWrittenAsTheSerializerWritesThem()
    {
        var random = new Random(14);
        var centres = archive.Visible().ToList();
        var nullCompass = 0;
        for (var n = 0; n < 60; n++)
        {
            var centre = centres[random.Next(centres.Count)];
            var radius = n % 4 == 0 ? 5000 : 300;
            var filter = new ImageFilter { Areas = GeoBox.AroundPoint(centre.Lat, centre.Lon, radius) };
            var offset = random.Next(3);
            var limit = 1 + random.Next(40);
            var close = Search.Nearest(new CloseSearch(filter, centre.Lat, centre.Lon, radius, offset, limit));
            var box = Search.Newest(new BoxSearch(filter, offset, limit));
            foreach (var (page, withDistance) in new[] { (close, true), (box, false) })
            {
                Assert.Equal(Serialized(page, withDistance), Written(page, withDistance));
                nullCompass += page.Hits.Count(h => h.Image.CompassAngle is null);
            }
        }
        Assert.Equal(0, nullCompass); // spec §1.4: a processed photo always has one, its own or its direction of travel
        var empty = new SearchPage([], More: false);
        Assert.Equal(Serialized(empty, true), Written(empty, true));
    }

    // Distances are metres to a tenth (spec §3.7's "distance":7.4), written from integer tenths: still nothing allocated per hit.
    [Fact]
    public void WritingAClosePageAllocatesNothingPerHit()
    {
        var centre = archive.Visible().First(i => Math.Abs(i.Lat - 52.37) < 0.03);
        var filter = new ImageFilter { Areas = GeoBox.AroundPoint(centre.Lat, centre.Lon, 5000) };
        var small = Search.Nearest(new CloseSearch(filter, centre.Lat, centre.Lon, 5000, 0, 2));
        var large = Search.Nearest(new CloseSearch(filter, centre.Lat, centre.Lon, 5000, 0, 200));
        Assert.True(large.Hits.Count > 50, $"{large.Hits.Count} hits");
        Assert.Contains(large.Hits, h => h.Decimetres % 10 != 0);
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ContractJson.Options.Encoder, SkipValidation = true });
        long Allocated(SearchPage page)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            var before = GC.GetAllocatedBytesForCurrentThread();
            ImageListAnswer.Write(writer, page, Search.Index, withDistance: true);
            writer.Flush();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Allocated(large); // the first write may fill lookups (usernames, sequence keys)
        Assert.Equal(Allocated(small), Allocated(large));
    }

    [Fact]
    public async Task TheServedBodyIsThatPageWithItsLength()
    {
        var centre = archive.Visible().First(i => Math.Abs(i.Lat - 52.37) < 0.03);
        var (lat, lon) = (centre.Lat.ToString("R", CultureInfo.InvariantCulture), centre.Lon.ToString("R", CultureInfo.InvariantCulture));
        var filter = new ImageFilter { Areas = GeoBox.AroundPoint(centre.Lat, centre.Lon, 250) };
        var cases = new[]
        {
            ($"/v2/search/im/close?lat={lat}&lon={lon}&distance=250&limit=7&page=1",
                Serialized(Search.Nearest(new CloseSearch(filter, centre.Lat, centre.Lon, 250, 7, 7)), withDistance: true)),
            ($"/v2/search/im?min_lat={filter.Areas![0].MinLat.ToString("R", CultureInfo.InvariantCulture)}&max_lat={filter.Areas[0].MaxLat.ToString("R", CultureInfo.InvariantCulture)}" +
                $"&min_lon={filter.Areas[0].MinLon.ToString("R", CultureInfo.InvariantCulture)}&max_lon={filter.Areas[0].MaxLon.ToString("R", CultureInfo.InvariantCulture)}&limit=9",
                Serialized(Search.Newest(new BoxSearch(filter, 0, 9)), withDistance: false)),
        };
        foreach (var (path, expected) in cases)
        {
            using var response = await archive.SendAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(expected, body);
            Assert.Equal(Encoding.UTF8.GetByteCount(body), response.Content.Headers.ContentLength);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            Assert.True(response.Headers.Contains("RateLimit"), "the budget's headers are still sent");
        }
    }

    // The access log puts a byte-counting stream in front of the body: the answer must still arrive whole.
    [Fact]
    public async Task TheAnswerArrivesWholeBehindTheAccessLog()
    {
        await using var server = await Infrastructure.TestServer.StartAsync(new Dictionary<string, string?> { ["Logging:AccessLog"] = "true" });
        var (clientId, _) = await server.AddClientAsync();
        foreach (var path in new[] { "/v2/search/im/close?lat=51.05&lon=3.72", "/v2/search/im?min_lat=51&max_lat=51.1&min_lon=3.7&max_lon=3.8" })
        {
            using var response = await server.Http.GetAsync($"{path}&client_id={clientId}");
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("{\"more\":false,\"ims\":[]}", await response.Content.ReadAsStringAsync());
            Assert.Equal(23, response.Content.Headers.ContentLength);
        }
    }

    private string Serialized(SearchPage page, bool withDistance) =>
        JsonSerializer.Serialize(SearchDtos.ToList(page, Search.Index, withDistance), ContractJson.Options);

    private string Written(SearchPage page, bool withDistance)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ContractJson.Options.Encoder }))
            ImageListAnswer.Write(writer, page, Search.Index, withDistance);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
