using MetadataExtractor;
using MetadataExtractor.Formats.Exif;

namespace Sightline.Images;

/// <summary>
/// The camera a photo's EXIF names (Make, Model) and the lens's focal length in millimetres, as taken and as the 35 mm film
/// equivalent; each null when the EXIF does not say. STAC serves them as <c>pers:interior_orientation</c>.
/// </summary>
public sealed record Camera(string? Make, string? Model, double? FocalLength, double? FocalLength35mm)
{
    public static readonly Camera Unknown = new(null, null, null, null);

    /// <summary>Longer texts than this are cut: EXIF strings are the camera's, and some write padding or junk.</summary>
    public const int MaxText = 100;

    /// <summary>The horizontal field of view in degrees from the 35 mm equivalent (a 36 mm wide frame); null without it.</summary>
    public double? FieldOfView => FocalLength35mm is > 0 and var f ? Math.Round(2 * Math.Atan(36 / (2 * f)) * 180 / Math.PI, 1) : null;

    public static Camera From(ExifIfd0Directory? ifd0, ExifSubIfdDirectory? sub)
    {
        var make = Text(ifd0?.GetString(ExifDirectoryBase.TagMake));
        var model = Text(ifd0?.GetString(ExifDirectoryBase.TagModel));
        double? focal = null, focal35 = null;
        try
        {
            if (sub is not null && sub.TryGetRational(ExifDirectoryBase.TagFocalLength, out var f) && f.Denominator != 0)
                focal = Length(f.ToDouble());
            if (sub is not null && sub.TryGetDouble(ExifDirectoryBase.Tag35MMFilmEquivFocalLength, out var f35))
                focal35 = Length(f35);
        }
        catch (Exception e) when (e is MetadataException or FormatException or OverflowException or InvalidCastException)
        {
            // An unreadable focal length counts as absent.
        }
        return new Camera(make, model, focal, focal35);
    }

    // 0 means "unknown" in EXIF; anything beyond a few metres is not a lens.
    private static double? Length(double millimetres) =>
        double.IsFinite(millimetres) && millimetres > 0 && millimetres < 10_000 ? Math.Round(millimetres, 2) : null;

    private static string? Text(string? value)
    {
        var trimmed = value?.Trim().TrimEnd('\0').Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        var printable = new string(trimmed.Where(c => !char.IsControl(c)).ToArray());
        return printable.Length == 0 ? null : printable.Length > MaxText ? printable[..MaxText] : printable;
    }
}
