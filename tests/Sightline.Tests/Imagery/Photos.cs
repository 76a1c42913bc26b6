using System.Globalization;
using NetVips;
using Vips = NetVips.Image;

namespace Sightline.Tests.Imagery;

/// <summary>What to write into a generated test photo's EXIF; null fields are left out.</summary>
public sealed record PhotoSpec
{
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 480;
    public double? Lat { get; init; }
    public double? Lon { get; init; }
    public double? Ca { get; init; }
    /// <summary>Local camera time, written as DateTimeOriginal.</summary>
    public DateTime? Taken { get; init; }
    public string? SubSeconds { get; init; }
    public string? Offset { get; init; }
    public int? Orientation { get; init; }
    /// <summary>UTC time from the GPS receiver, written as GPSDateStamp and GPSTimeStamp.</summary>
    public DateTime? GpsTaken { get; init; }
    /// <summary>The camera, written as Make and Model.</summary>
    public (string Make, string Model)? Camera { get; init; }
    /// <summary>The lens, written as FocalLength (a rational, millimetres) and FocalLengthIn35mmFilm (whole millimetres).</summary>
    public (string FocalLength, int In35mmFilm)? Lens { get; init; }
    /// <summary>Varies the pixels so that otherwise equal specs give different files.</summary>
    public int Seed { get; init; }
}

/// <summary>Makes real JPEGs with real EXIF for the imagery tests, with libvips.</summary>
public static class Photos
{
    /// <summary>A JPEG whose left half is dark and right half bright, so orientation can be checked in its thumbnails.</summary>
    public static byte[] Jpeg(PhotoSpec spec)
    {
        using var dark = Vips.Black(spec.Width / 2, spec.Height, bands: 3) + new double[] { 20 + spec.Seed % 20, 30, 40 };
        using var bright = Vips.Black(spec.Width - spec.Width / 2, spec.Height, bands: 3) + new double[] { 230, 220, 210 - spec.Seed % 20 };
        using var joined = dark.Join(bright, Enums.Direction.Horizontal);
        using var pixels = joined.Cast(Enums.BandFormat.Uchar);
        using var tagged = pixels.Mutate(image =>
        {
            void Tag(string name, string value) => image.Set(GValue.GStrType, name, value);
            if (spec.Lat is { } lat)
            {
                Tag("exif-ifd3-GPSLatitude", Dms(lat));
                Tag("exif-ifd3-GPSLatitudeRef", lat < 0 ? "S" : "N");
            }
            if (spec.Lon is { } lon)
            {
                Tag("exif-ifd3-GPSLongitude", Dms(lon));
                Tag("exif-ifd3-GPSLongitudeRef", lon < 0 ? "W" : "E");
            }
            if (spec.Ca is { } ca)
                Tag("exif-ifd3-GPSImgDirection", $"{(long)Math.Round(ca * 100)}/100");
            if (spec.Taken is { } taken)
                Tag("exif-ifd2-DateTimeOriginal", taken.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture));
            if (spec.SubSeconds is { } subSeconds)
                Tag("exif-ifd2-SubSecTimeOriginal", subSeconds);
            if (spec.Offset is { } offset)
                Tag("exif-ifd2-OffsetTimeOriginal", offset);
            if (spec.GpsTaken is { } gpsTaken)
            {
                Tag("exif-ifd3-GPSDateStamp", gpsTaken.ToString("yyyy:MM:dd", CultureInfo.InvariantCulture));
                Tag("exif-ifd3-GPSTimeStamp", string.Create(CultureInfo.InvariantCulture, $"{gpsTaken.Hour}/1 {gpsTaken.Minute}/1 {gpsTaken.Second}/1"));
            }
            if (spec.Camera is var (make, model))
            {
                Tag("exif-ifd0-Make", make);
                Tag("exif-ifd0-Model", model);
            }
            if (spec.Lens is var (focalLength, in35mmFilm))
            {
                Tag("exif-ifd2-FocalLength", focalLength);
                Tag("exif-ifd2-FocalLengthIn35mmFilm", in35mmFilm.ToString(CultureInfo.InvariantCulture));
            }
            if (spec.Orientation is { } orientation)
                image.Set(GValue.GIntType, "orientation", orientation);
        });
        return tagged.JpegsaveBuffer(q: 90);
    }

    /// <summary>A JPEG with noise, so its scan data is large and a truncation cuts real data.</summary>
    public static byte[] NoisyJpeg(PhotoSpec spec)
    {
        using var noise = Vips.Gaussnoise(spec.Width, spec.Height, mean: 128, sigma: 40);
        using var colour = noise.Bandjoin(noise, noise).Cast(Enums.BandFormat.Uchar);
        return Tagged(colour, spec.Lat, spec.Lon, spec.Taken, quality: 90);
    }

    /// <summary><paramref name="pixels"/> as a JPEG with an EXIF position and capture time, so the upload API takes it.</summary>
    public static byte[] Geotagged(Vips pixels, double lat, double lon, DateTime taken, int quality = 90) =>
        Tagged(pixels, lat, lon, taken, quality);

    private static byte[] Tagged(Vips pixels, double? lat, double? lon, DateTime? taken, int quality)
    {
        using var tagged = pixels.Mutate(image =>
        {
            if (lat is { } latitude && lon is { } longitude)
            {
                image.Set(GValue.GStrType, "exif-ifd3-GPSLatitude", Dms(latitude));
                image.Set(GValue.GStrType, "exif-ifd3-GPSLatitudeRef", latitude < 0 ? "S" : "N");
                image.Set(GValue.GStrType, "exif-ifd3-GPSLongitude", Dms(longitude));
                image.Set(GValue.GStrType, "exif-ifd3-GPSLongitudeRef", longitude < 0 ? "W" : "E");
            }
            if (taken is { } time)
                image.Set(GValue.GStrType, "exif-ifd2-DateTimeOriginal", time.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture));
        });
        return tagged.JpegsaveBuffer(q: quality);
    }

    /// <summary>Rewrites the frame header (SOF0) to claim other dimensions, leaving the rest of the file as it was.</summary>
    public static byte[] WithClaimedSize(byte[] jpeg, int width, int height)
    {
        var copy = (byte[])jpeg.Clone();
        for (var i = 2; i + 8 < copy.Length; i++)
        {
            if (copy[i] != 0xFF || copy[i + 1] is not (0xC0 or 0xC2))
                continue;
            copy[i + 5] = (byte)(height >> 8);
            copy[i + 6] = (byte)height;
            copy[i + 7] = (byte)(width >> 8);
            copy[i + 8] = (byte)width;
            return copy;
        }
        throw new InvalidOperationException("no SOF marker");
    }

    // Degrees, minutes and seconds as EXIF rationals, with enough precision for centimetres.
    private static string Dms(double value)
    {
        value = Math.Abs(value);
        var degrees = (int)value;
        var minutesFull = (value - degrees) * 60;
        var minutes = (int)minutesFull;
        var seconds = (minutesFull - minutes) * 60;
        return $"{degrees}/1 {minutes}/1 {(long)Math.Round(seconds * 10000)}/10000";
    }
}
