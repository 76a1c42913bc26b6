using System.Text.Json;
using Sightline.Stats;

namespace Sightline.Tests.Community;

/// <summary>The toplist's country lookup (<c>cname</c>): its banded rings answer as a plain even-odd test over every edge.</summary>
public sealed class CountriesTests
{
    private static readonly Countries Lookup = new();

    // Every country of the shipped data as [polygon][ring][vertex] = [lon, lat], read independently of the lookup.
    private static readonly Dictionary<string, double[][][][]> Shapes = ReadShapes();

    private static Dictionary<string, double[][][][]> ReadShapes()
    {
        var path = Path.Combine(Infrastructure.Chromium.RepositoryRoot(), "src", "Sightline", "Stats", "countries.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("countries").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => c.GetProperty("polygons").EnumerateArray()
                .Select(p => p.EnumerateArray().Select(r => r.EnumerateArray().Select(v => new[] { v[0].GetDouble(), v[1].GetDouble() }).ToArray()).ToArray())
                .ToArray());
    }

    private static bool InRing(double[][] ring, double x, double y)
    {
        var inside = false;
        for (int i = 0, j = ring.Length - 1; i < ring.Length; j = i++)
            if ((ring[i][1] > y) != (ring[j][1] > y) && x < (ring[j][0] - ring[i][0]) * (y - ring[i][1]) / (ring[j][1] - ring[i][1]) + ring[i][0])
                inside = !inside;
        return inside;
    }

    private static int PlainAreaOf(double[][][][] polygons, double lat, double lon)
    {
        for (var i = 0; i < polygons.Length; i++)
            if (InRing(polygons[i][0], lon, lat) && !polygons[i].Skip(1).Any(hole => InRing(hole, lon, lat)))
                return i;
        return -1;
    }

    [Theory]
    [InlineData("france")]
    [InlineData("united states of america")]
    [InlineData("russia")]
    [InlineData("indonesia")]
    [InlineData("italy")] // holes: San Marino and the Vatican
    [InlineData("south africa")] // a hole: Lesotho
    [InlineData("belgium")]
    public void AgreesWithAPlainTestInsideTheBoxAndOnTheVertices(string name)
    {
        var country = Lookup.Find(name)!;
        var polygons = Shapes[country.Name];
        Assert.Equal(polygons.Length, country.Areas.Count);
        var random = new Random(name.Length);
        var points = new List<(double Lat, double Lon)>();
        for (var i = 0; i < 20_000; i++)
            points.Add((country.MinLat + random.NextDouble() * (country.MaxLat - country.MinLat), country.MinLon + random.NextDouble() * (country.MaxLon - country.MinLon)));
        // On and beside the borders, where the bands' edges are.
        foreach (var vertex in polygons.SelectMany(p => p).SelectMany(r => r))
        {
            points.Add((vertex[1], vertex[0]));
            points.Add((vertex[1] + 1e-4, vertex[0] - 1e-4));
            points.Add((vertex[1] - 1e-4, vertex[0] + 1e-4));
        }
        var inside = 0;
        foreach (var (lat, lon) in points)
        {
            var expected = PlainAreaOf(polygons, lat, lon);
            Assert.True(expected == country.AreaOf(lat, lon), $"{name} at {lat},{lon}: expected area {expected}");
            Assert.Equal(expected >= 0, country.Contains(lat, lon));
            inside += expected >= 0 ? 1 : 0;
        }
        Assert.InRange(inside, 100, points.Count - 100); // the points test both answers
    }

    [Fact]
    public void EveryCountryIsFoundAtAPointOfItsOwn()
    {
        // A point just inside each country's largest ring: somewhere along its first edge's inner side is inside.
        foreach (var (name, polygons) in Shapes)
        {
            var country = Lookup.Find(name);
            Assert.NotNull(country);
            var found = false;
            foreach (var vertex in polygons.SelectMany(p => p[0]))
                for (var dLat = -0.01; dLat <= 0.01 && !found; dLat += 0.005)
                    for (var dLon = -0.01; dLon <= 0.01 && !found; dLon += 0.005)
                        found = PlainAreaOf(polygons, vertex[1] + dLat, vertex[0] + dLon) >= 0 && country.Contains(vertex[1] + dLat, vertex[0] + dLon);
            Assert.True(found, name);
        }
    }
}
