using System.Globalization;
using System.Xml.Linq;

namespace Sightline.Import;

/// <summary>A GPS track from a GPX file, for geotagging photos by their capture time.</summary>
public sealed class GpxTrack
{
    private readonly List<(long Time, double Lat, double Lon)> points;

    private GpxTrack(List<(long Time, double Lat, double Lon)> points) => this.points = points;

    public int Count => points.Count;

    /// <summary>Reads every timed track and route point of a GPX 1.0 or 1.1 file; throws ArgumentException when it has none.</summary>
    public static GpxTrack Load(string path)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(path);
        }
        catch (Exception e) when (e is System.Xml.XmlException or IOException)
        {
            throw new ArgumentException($"cannot read GPX file {path}: {e.Message}");
        }
        var points = new List<(long, double, double)>();
        foreach (var point in document.Descendants().Where(e => e.Name.LocalName is "trkpt" or "rtept"))
        {
            var time = point.Elements().FirstOrDefault(e => e.Name.LocalName == "time")?.Value;
            if (time is null
                || !double.TryParse(point.Attribute("lat")?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(point.Attribute("lon")?.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                || !DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                continue;
            points.Add((at.ToUnixTimeMilliseconds(), lat, lon));
        }
        if (points.Count == 0)
            throw new ArgumentException($"GPX file {path} has no timed track points");
        points.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return new GpxTrack(points);
    }

    /// <summary>The position at <paramref name="time"/> (epoch ms), interpolated between the points around it; null outside the track.</summary>
    public (double Lat, double Lon)? PositionAt(long time)
    {
        if (time < points[0].Time || time > points[^1].Time)
            return null;
        var index = points.FindIndex(p => p.Time >= time);
        var after = points[index];
        if (after.Time == time || index == 0)
            return (after.Lat, after.Lon);
        var before = points[index - 1];
        var fraction = (double)(time - before.Time) / (after.Time - before.Time);
        return (before.Lat + (after.Lat - before.Lat) * fraction, before.Lon + (after.Lon - before.Lon) * fraction);
    }
}
