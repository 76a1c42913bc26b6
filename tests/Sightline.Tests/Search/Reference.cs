using System.Globalization;
using System.Text.Json;
using Sightline.Search.Index;

namespace Sightline.Tests.Search;

/// <summary>The searches done the slow, obvious way over the archive the tests wrote.</summary>
public static class Reference
{
    public static List<string> Newest(IEnumerable<ArchivedImage> images, Func<ArchivedImage, bool> filter) =>
        images.Where(filter).OrderByDescending(i => i.CapturedAt).ThenBy(i => i.Key, StringComparer.Ordinal).Select(i => i.Key).ToList();

    public static List<(string Key, double Distance)> Nearest(IEnumerable<ArchivedImage> images, double lat, double lon, double radius, Func<ArchivedImage, bool> filter) =>
        images.Where(filter)
            .Select(i => (Image: i, Distance: Geodesy.DistanceMeters(lat, lon, i.Lat, i.Lon)))
            .Where(x => x.Distance <= radius)
            .Select(x => (x.Image.Key, Distance: Math.Round(x.Distance * 10, MidpointRounding.AwayFromZero) / 10)) // metres to a tenth
            .OrderBy(x => x.Distance).ThenBy(x => x.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Inside a box with the API's meaning: edges included, min_lon above max_lon crosses the antimeridian.</summary>
    public static bool InBox(ArchivedImage image, double minLat, double minLon, double maxLat, double maxLon) =>
        image.Lat >= minLat && image.Lat <= maxLat
        && (minLon <= maxLon ? image.Lon >= minLon && image.Lon <= maxLon : image.Lon >= minLon || image.Lon <= maxLon);

    public static bool InAngles(ArchivedImage image, double min, double max) =>
        image.Ca is { } ca && (min <= max ? ca >= min && ca <= max : ca >= min || ca <= max);

    public static string BoxQuery(double minLat, double minLon, double maxLat, double maxLon) =>
        $"min_lat={F(minLat)}&min_lon={F(minLon)}&max_lat={F(maxLat)}&max_lon={F(maxLon)}";

    public static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Follows <c>page</c> until <c>more</c> is false; returns every key in answer order, and the distances when present.</summary>
    public static async Task<List<(string Key, double? Distance)>> WalkAsync(SearchArchive archive, string path, string query, int limit, string? user = null)
    {
        var all = new List<(string, double?)>();
        for (var page = 0; ; page++)
        {
            var json = await archive.GetAsync($"{path}?{query}&limit={limit}&page={page}", user);
            var items = Items(json);
            Assert.True(items.Count <= limit, $"page {page} holds {items.Count} items, more than limit {limit}");
            all.AddRange(items);
            if (!json.GetProperty("more").GetBoolean())
                return all;
            Assert.Equal(limit, items.Count); // only a full page can be followed by another
        }
    }

    public static List<(string Key, double? Distance)> Items(JsonElement json)
    {
        if (json.TryGetProperty("features", out var features))
            return features.EnumerateArray().Select(f => (f.GetProperty("properties").GetProperty("key").GetString()!, (double?)null)).ToList();
        return json.GetProperty("ims").EnumerateArray()
            .Select(i => (i.GetProperty("key").GetString()!, i.TryGetProperty("distance", out var d) ? d.GetDouble() : (double?)null))
            .ToList();
    }
}
