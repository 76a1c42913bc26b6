using System.Globalization;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Jpeg;
using Sightline.Images;

namespace Sightline.Uploads;

/// <summary>What a JPEG's header and EXIF say about a photo: its size and, where present, where, when, which way and with what camera.</summary>
public sealed record PhotoMetadata(
    int Width, int Height, double? Lat, double? Lon, double? Ca, long? CapturedAt, int Orientation, Camera Camera)
{
    /// <summary>
    /// Reads the JPEG frame header and EXIF without decoding pixels; null when the file is not a JPEG
    /// MetadataExtractor can parse. Broken EXIF inside a good JPEG only loses the EXIF values.
    /// </summary>
    public static PhotoMetadata? Read(Stream stream)
    {
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = JpegMetadataReader.ReadMetadata(stream);
        }
        catch (Exception e) when (e is ImageProcessingException or JpegProcessingException or IOException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }

        var frame = directories.OfType<JpegDirectory>().FirstOrDefault();
        if (frame is null || !frame.TryGetInt32(JpegDirectory.TagImageWidth, out var width)
            || !frame.TryGetInt32(JpegDirectory.TagImageHeight, out var height))
            return null;

        var (lat, lon, ca) = Position(directories.OfType<GpsDirectory>().FirstOrDefault());
        var ifd0 = directories.OfType<ExifIfd0Directory>().FirstOrDefault();
        var orientation = ifd0 is not null && ifd0.TryGetInt32(ExifDirectoryBase.TagOrientation, out var o) && o is >= 1 and <= 8 ? o : 1;
        var sub = directories.OfType<ExifSubIfdDirectory>().FirstOrDefault();
        var capturedAt = CaptureTime(sub);
        return new PhotoMetadata(width, height, lat, lon, ca, capturedAt, orientation, Camera.From(ifd0, sub));
    }

    private static (double? Lat, double? Lon, double? Ca) Position(GpsDirectory? gps)
    {
        if (gps is null)
            return (null, null, null);
        double? lat = null, lon = null, ca = null;
        try
        {
            // GetGeoLocation applies the S/W references; it is null when either coordinate is absent.
            if (gps.GetGeoLocation() is { } location && double.IsFinite(location.Latitude) && double.IsFinite(location.Longitude)
                && Math.Abs(location.Latitude) <= 90 && Math.Abs(location.Longitude) <= 180)
                (lat, lon) = (location.Latitude, location.Longitude);
            if (gps.TryGetRational(GpsDirectory.TagImgDirection, out var direction) && direction.Denominator != 0)
            {
                var degrees = direction.ToDouble();
                if (double.IsFinite(degrees) && degrees >= 0 && degrees <= 360)
                    ca = degrees % 360;
            }
        }
        catch (Exception e) when (e is MetadataException or FormatException or OverflowException or InvalidCastException)
        {
            // Unreadable GPS values count as absent.
        }
        return (lat, lon, ca);
    }

    private const int OffsetTimeOriginalTag = 0x9011; // EXIF 2.31 OffsetTimeOriginal

    // DateTimeOriginal is local camera time; OffsetTimeOriginal says its UTC offset. Without it the time is taken as UTC.
    private static long? CaptureTime(ExifSubIfdDirectory? exif)
    {
        if (exif?.GetString(ExifDirectoryBase.TagDateTimeOriginal) is not { } text
            || !DateTime.TryParseExact(text.Trim().TrimEnd('\0'), "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local))
            return null;

        var milliseconds = 0;
        if (exif.GetString(ExifDirectoryBase.TagSubsecondTimeOriginal)?.Trim().TrimEnd('\0') is { Length: > 0 } subSeconds
            && subSeconds.All(char.IsAsciiDigit))
            milliseconds = int.Parse((subSeconds + "00")[..3], CultureInfo.InvariantCulture);

        var offset = TimeSpan.Zero;
        if (exif.GetString(OffsetTimeOriginalTag)?.Trim().TrimEnd('\0') is { Length: 6 } offsetText
            && TimeSpan.TryParseExact(offsetText[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var magnitude)
            && offsetText[0] is '+' or '-')
            offset = offsetText[0] == '-' ? -magnitude : magnitude;

        try
        {
            return new DateTimeOffset(local.AddMilliseconds(milliseconds), offset).ToUnixTimeMilliseconds();
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
