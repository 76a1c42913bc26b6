using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using Sightline.Uploads;

namespace Sightline.Import;

/// <summary>
/// When and with which camera a photo was taken, as the importer orders uploads: DateTimeOriginal (as the server reads
/// it), else the GPS receiver's GPSDateStamp + GPSTimeStamp (UTC), shifted by the camera clock's known error
/// (<c>--time-offset</c>, as mapillary_tools' offset); the camera is EXIF Make, Model and BodySerialNumber.
/// </summary>
public sealed record CameraClock(string Camera, long? CapturedAt, string? TimeSource)
{
    private const int BodySerialNumberTag = 0xA431;

    public static CameraClock Read(string path, PhotoMetadata metadata, TimeSpan offset)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = ImageMetadataReader.ReadMetadata(path);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            directories = [];
        }
        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var sub = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        var camera = string.Join(" / ", new[]
        {
            ifd0?.GetString(ExifDirectoryBase.TagMake), ifd0?.GetString(ExifDirectoryBase.TagModel), sub?.GetString(BodySerialNumberTag),
        }.Select(s => s?.Trim().TrimEnd('\0') ?? ""));

        var (time, source) = metadata.CapturedAt is { } original ? (original, "DateTimeOriginal") : (GpsTime(directories), "GPS time");
        return new CameraClock(camera, time + (long)offset.TotalMilliseconds, time is null ? null : source);
    }

    // GPSDateStamp ("yyyy:MM:dd") and GPSTimeStamp (three rationals, UTC); MetadataExtractor combines them.
    private static long? GpsTime(IReadOnlyList<MetadataExtractor.Directory> directories)
    {
        var gps = directories.OfType<GpsDirectory>().FirstOrDefault();
        try
        {
            return gps is not null && gps.TryGetGpsDate(out var utc)
                ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds()
                : null;
        }
        catch (Exception e) when (e is MetadataException or FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Parses <c>--time-offset</c>: seconds to add to every capture time (negative when the camera clock runs ahead).</summary>
    public static bool TryParseOffset(string? text, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
            return true;
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || Math.Abs(seconds) > 100 * 365.25 * 86400)
            return false;
        offset = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
