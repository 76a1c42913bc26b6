using System.Security.Cryptography;
using NetVips;
using Sightline.Users;
using Sightline.Storage;
using Vips = NetVips.Image;

namespace Sightline.Avatars;

/// <summary>
/// Profile pictures: each upload becomes a 256×256 PNG under a fresh 24-hex-digit id (the <c>hex/profile.png</c>
/// of the spec's examples), so a new picture never reuses the URL caches hold for the old one.
/// </summary>
public sealed class AvatarStore(IBlobStore blobs, IUserStore users)
{
    public const int Size = 256;
    public const long MaxBytes = 10 * 1024 * 1024;
    public const string DefaultId = "default";

    private readonly Lazy<byte[]> defaultPicture = new(MakeDefault);

    public static bool IsId(string id) => id is { Length: 24 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The picture's object key in the blob store.</summary>
    public static string KeyOf(string id) => $"avatars/{id[..2]}/{id}.png";

    /// <summary>The stored picture, or null when there is none with this id.</summary>
    public Task<Blob?> OpenAsync(string id, CancellationToken cancellation) => blobs.OpenReadAsync(KeyOf(id), cancellation);

    /// <summary>Pictures larger than this are refused before they are decoded, like photos (decompression bombs).</summary>
    public const long MaxPixels = 50_000_000;

    /// <summary>Width times height from the picture's header alone; null when the header cannot be read.</summary>
    public static long? PixelsOf(byte[] upload)
    {
        try
        {
            using var header = Vips.NewFromBuffer(upload, access: Enums.Access.Sequential);
            return (long)header.Width * header.Height;
        }
        catch (VipsException)
        {
            return null;
        }
    }

    /// <summary>Makes the PNG from an uploaded picture; null when the bytes are not a decodable image, or one whose data ends early.</summary>
    public static byte[]? Render(byte[] upload)
    {
        try
        {
            // Decoded failing on any warning (the level goes through the loader's option string: thumbnail's own failOn does
            // not reach the JPEG loader), so a picture whose data ends early is refused rather than stored half grey; other
            // warnings (extraneous bytes, odd SOS parameters some phones write) are harmless: decoded again tolerating them.
            return Png(upload, "fail_on=warning");
        }
        catch (VipsException e) when (!Images.Derivatives.IsMissingData(e))
        {
            try
            {
                return Png(upload, null);
            }
            catch (VipsException)
            {
                return null;
            }
        }
        catch (VipsException)
        {
            return null;
        }
    }

    private static byte[] Png(byte[] upload, string? loaderOptions)
    {
        using var square = Vips.ThumbnailBuffer(upload, Size, loaderOptions, height: Size, crop: Enums.Interesting.Centre, size: Enums.Size.Both);
        using var flat = square.HasAlpha() ? square.Flatten(background: [255, 255, 255]) : square.Copy();
        return flat.PngsaveBuffer(keep: Enums.ForeignKeep.None);
    }

    /// <summary>Stores the picture as the user's avatar, removes the previous one; returns the new id.</summary>
    public async Task<string> SetAsync(long userId, byte[] png)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        await blobs.WriteAsync(KeyOf(id), png);
        var previous = await users.SetAvatarAsync(userId, id);
        if (previous is not null && IsId(previous))
            await blobs.DeleteAsync(KeyOf(previous));
        return id;
    }

    public byte[] DefaultPicture => defaultPicture.Value;

    // A neutral head-and-shoulders silhouette on grey, drawn once.
    private static byte[] MakeDefault()
    {
        using var xyz = Vips.Xyz(Size, Size);
        using var dx = xyz[0] - Size / 2.0;
        using var head = xyz[1] - Size * 0.38;
        using var headDistance = (dx * dx + head * head).Pow(0.5);
        using var shoulders = xyz[1] - Size * 1.05;
        using var shoulderDistance = (dx * dx + shoulders * shoulders).Pow(0.5);
        using var inHead = headDistance < Size * 0.18;
        using var inShoulders = shoulderDistance < Size * 0.45;
        using var figure = inHead | inShoulders;
        using var grey = figure.Ifthenelse(new double[] { 250, 250, 250 }, new double[] { 176, 184, 194 });
        using var pixels = grey.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
        return pixels.PngsaveBuffer();
    }
}
