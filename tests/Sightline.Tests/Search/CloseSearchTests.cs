using Sightline.Search.Index;
using static Sightline.Tests.Search.Reference;

namespace Sightline.Tests.Search;

/// <summary>Close searches against the reference: great-circle radius, nearest first, distances in metres to a tenth.</summary>
[Collection(SearchArchiveCollection.Name)]
public sealed class CloseSearchTests(SearchArchive archive)
{
    private IEnumerable<ArchivedImage> Public => archive.Visible();

    [Fact]
    public async Task RandomCirclesMatchTheReference()
    {
        var random = new Random(2);
        var centres = Public.ToList();
        for (var n = 0; n < 25; n++)
        {
            var centre = centres[random.Next(centres.Count)];
            var (lat, lon) = (centre.Lat + (random.NextDouble() - 0.5) * 0.001, Math.Clamp(centre.Lon + (random.NextDouble() - 0.5) * 0.001, -180, 180));
            lat = Math.Clamp(lat, -90, 90);
            var radius = Math.Round(random.NextDouble() * (n % 3 == 0 ? 5000 : 200), 1);
            var expected = Nearest(Public, lat, lon, radius, _ => true);
            var walked = await WalkAsync(archive, "/v2/search/im/close", $"lat={F(lat)}&lon={F(lon)}&distance={F(radius)}", 1 + random.Next(30));
            Assert.Equal(expected.Select(e => (e.Key, (double?)e.Distance)).ToList(), walked);
        }
    }

    [Fact]
    public async Task TheDefaultRadiusIsOneHundredMetres()
    {
        var centre = Public.First(i => Math.Abs(i.Lat - 52.37) < 0.03);
        var expected = Nearest(Public, centre.Lat, centre.Lon, 100, _ => true);
        Assert.True(expected.Count > 1);
        var walked = await WalkAsync(archive, "/v2/search/im/close", $"lat={F(centre.Lat)}&lon={F(centre.Lon)}", 1000);
        Assert.Equal(expected.Select(e => (e.Key, (double?)e.Distance)).ToList(), walked);
        Assert.Equal(0.0, walked[0].Distance);
    }

    [Fact]
    public async Task ACircleOnTheNorthPoleTakesEveryLongitude()
    {
        var expected = Nearest(Public, 90, 0, 1000, _ => true);
        Assert.True(expected.Count > 10);
        Assert.Contains(Public, i => expected.Any(e => e.Key == i.Key) && i.Lon < -90);
        Assert.Contains(Public, i => expected.Any(e => e.Key == i.Key) && i.Lon > 90);
        var walked = await WalkAsync(archive, "/v2/search/im/close", "lat=90&lon=0&distance=1000", 50);
        Assert.Equal(expected.Select(e => (e.Key, (double?)e.Distance)).ToList(), walked);
    }

    [Fact]
    public async Task ACircleNearTheSouthPoleTakesEveryLongitude()
    {
        var expected = Nearest(Public, -89.999, 120, 800, _ => true);
        Assert.True(expected.Count > 5);
        var walked = await WalkAsync(archive, "/v2/search/im/close", "lat=-89.999&lon=120&distance=800", 50);
        Assert.Equal(expected.Select(e => (e.Key, (double?)e.Distance)).ToList(), walked);
    }

    [Fact]
    public async Task ACircleOnTheAntimeridianReachesBothSides()
    {
        var expected = Nearest(Public, -16.5, 180, 2000, _ => true);
        Assert.Contains(Public, i => expected.Any(e => e.Key == i.Key) && i.Lon > 0);
        Assert.Contains(Public, i => expected.Any(e => e.Key == i.Key) && i.Lon < 0);
        var walked = await WalkAsync(archive, "/v2/search/im/close", "lat=-16.5&lon=-180&distance=2000", 25);
        Assert.Equal(expected.Select(e => (e.Key, (double?)e.Distance)).ToList(), walked);
    }

    [Fact]
    public async Task FiltersCombineWithTheCircle()
    {
        var centre = Public.First(i => Math.Abs(i.Lat - 52.37) < 0.03);
        var times = Public.Select(i => i.CapturedAt).Order().ToList();
        var from = times[times.Count / 4];
        var expected = Nearest(Public, centre.Lat, centre.Lon, 5000, i => InAngles(i, 270, 45) && i.CapturedAt >= from && i.User == "alice");
        Assert.NotEmpty(expected);
        var query = $"lat={F(centre.Lat)}&lon={F(centre.Lon)}&distance=5000&min_ca=270&max_ca=45&start_time={from}&user=alice";
        Assert.Equal(expected.Select(e => (e.Key, (double?)e.Distance)).ToList(), await WalkAsync(archive, "/v2/search/im/close", query, 9));
        var geo = await WalkAsync(archive, "/v2/search/im/geojson/close", query, 9);
        Assert.Equal(expected.Select(e => e.Key), geo.Select(g => g.Key));
    }

    [Fact]
    public async Task AnAngleRangeEndingAtAPhotosOwnAngleHoldsIt()
    {
        // Most angles with decimals (123.4) have no exact single-precision form; the range is judged on the angle the
        // API shows, so a range ending exactly there, or wrapping through north to end there, holds the photo.
        var photos = Public.Where(i => i.Ca is { } ca && (double)(float)ca > ca && ca > 10).Take(5).ToList();
        Assert.Equal(5, photos.Count);
        foreach (var photo in photos)
        {
            var at = $"lat={F(photo.Lat)}&lon={F(photo.Lon)}&distance=1";
            var ca = photo.Ca!.Value;
            foreach (var (min, max) in new[] { (ca, ca), (0, ca), (ca + 10 > 360 ? ca - 10 : ca + 10, ca) })
            {
                var walked = await WalkAsync(archive, "/v2/search/im/close", $"{at}&min_ca={F(min)}&max_ca={F(max)}", 50);
                Assert.Contains(photo.Key, walked.Select(w => w.Key));
            }
            var box = $"min_lat={F(photo.Lat)}&max_lat={F(photo.Lat)}&min_lon={F(photo.Lon)}&max_lon={F(photo.Lon)}&min_ca={F(ca)}&max_ca={F(ca)}";
            Assert.Contains(photo.Key, (await WalkAsync(archive, "/v2/search/im", box, 50)).Select(w => w.Key));
        }
    }

    [Fact]
    public async Task ARadiusAboveTheCapIsServedAtTheCap()
    {
        // The spec names no largest distance: old clients asking for a wide circle get the 5,000 m one, nearest first.
        var centre = Public.First(i => Math.Abs(i.Lat - 52.37) < 0.03);
        var expected = Nearest(Public, centre.Lat, centre.Lon, 5000, _ => true).Select(e => (e.Key, (double?)e.Distance)).ToList();
        Assert.NotEmpty(expected);
        foreach (var distance in new[] { "20000", "1e9" })
            Assert.Equal(expected, await WalkAsync(archive, "/v2/search/im/close", $"lat={F(centre.Lat)}&lon={F(centre.Lon)}&distance={distance}", 200));
    }

    [Fact]
    public async Task DistancesAreGreatCircleMetres()
    {
        // One degree of latitude on the mean-radius sphere, and the quarter meridian.
        Assert.Equal(111_195, Math.Round(Geodesy.DistanceMeters(0, 0, 1, 0)));
        Assert.Equal(10_007_557, Math.Round(Geodesy.DistanceMeters(0, 0, 90, 0)));
        Assert.Equal(0, Geodesy.DistanceMeters(90, 10, 90, -170), 6);
        Assert.Equal(Geodesy.DistanceMeters(0, 179.9, 0, -179.9), Geodesy.DistanceMeters(0, -0.1, 0, 0.1), 6);

        var image = Public.First(i => Math.Abs(i.Lat - 52.37) < 0.03);
        var json = await archive.GetAsync($"/v2/search/im/close?lat={F(image.Lat + 0.0005)}&lon={F(image.Lon)}&distance=100&limit=1000");
        var found = json.GetProperty("ims").EnumerateArray().Single(i => i.GetProperty("key").GetString() == image.Key);
        Assert.Equal(55.6, found.GetProperty("distance").GetDouble()); // 0.0005 degrees of latitude = 55.597 m, to a tenth
    }
}
