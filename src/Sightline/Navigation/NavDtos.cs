namespace Sightline.Navigation;

/// <summary>
/// Wire shapes of mapillary-js 1.x's <c>IAPINavIm</c>: the geohash cells answered, the images in them and their sequences.
/// Only the fields the viewer reads and Sightline has; the SfM fields (calt, cca, clat, clon, rotation, merge_cc…) are left
/// out, and the viewer then falls back to the EXIF position and angle as it does for unmerged photos.
/// </summary>
public static class NavDtos
{
    public sealed record Cell(IReadOnlyList<string> Hs, IReadOnlyList<Image> Ims, IReadOnlyList<Sequence> Ss);

    /// <summary>
    /// Orientation is always 1 and the size is the upright one: the thumbnails the viewer loads are already upright, so
    /// it must not rotate them again.
    /// </summary>
    public sealed record Image(string Key, string User, long CapturedAt, double Lat, double Lon, double? Ca, int Orientation, int Width, int Height);

    /// <summary>The sequence's image keys in order (the viewer's next/previous).</summary>
    public sealed record Sequence(string Key, IReadOnlyList<string> Keys);

    public static Image ToImage(Images.Image image)
    {
        var turned = image.Orientation is >= 5 and <= 8; // EXIF orientations that swap width and height
        return new Image(image.Key, image.Username, image.CapturedAt, image.Lat, image.Lon, image.Ca, 1,
            turned ? image.Height : image.Width, turned ? image.Width : image.Height);
    }
}
