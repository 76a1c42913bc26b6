using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.InteropServices;

namespace Sightline.Search.Index;

/// <summary>
/// What search keeps in memory of one processed image: enough to filter, order and answer without
/// touching the database. 68 bytes, blittable, so a snapshot file is the array's bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public struct IndexedImage
{
    public double Lat;
    public double Lon;
    public long CapturedAt;
    /// <summary>The 16 random bytes behind the 22-character key, big-endian halves.</summary>
    public ulong KeyHigh;
    public ulong KeyLow;
    /// <summary>
    /// The compass angle exactly as stored, NaN when the photo has none: vector tiles show it as the database has it.
    /// Searches filter and answer with <see cref="Ca"/>, its single-precision form, as they always have.
    /// </summary>
    public double StoredCa;
    public int UserId;
    /// <summary>0 for a public image; <see cref="HiddenProject"/> for a public image that is hidden.</summary>
    public int ProjectId;
    public int SequenceId;
    /// <summary>The images table's row id.</summary>
    public int Id;

    /// <summary>
    /// The project of a public image hidden by an upheld complaint: no search finds it but its owner's with
    /// <c>hidden=true</c> (spec §3.7 and §5 item 46). Hidden images of projects are not indexed at all.
    /// </summary>
    public const int HiddenProject = -1;

    /// <summary>Compass angle in single precision; NaN when the photo has none.</summary>
    public float Ca
    {
        readonly get => (float)StoredCa;
        set => StoredCa = value;
    }

    public readonly double? CompassAngle => float.IsNaN(Ca) ? null : Ca;

    /// <summary>The compass angle exactly as the database has it (what <c>/v2/s</c> shows); null when the photo has none.</summary>
    public readonly double? StoredCompassAngle => double.IsNaN(StoredCa) ? null : StoredCa;

    public readonly string Key
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, KeyHigh);
            BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], KeyLow);
            return Base64Url.EncodeToString(bytes);
        }
    }

    /// <summary>The key's 22 characters as UTF-8 (base64url, nothing JSON escapes), without making a string.</summary>
    public readonly void WriteKeyUtf8(Span<byte> destination)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, KeyHigh);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], KeyLow);
        Base64Url.EncodeToUtf8(bytes, destination);
    }

    /// <summary>Sets the key; false when it is not a key this server makes (22 characters encoding 16 bytes).</summary>
    public bool TrySetKey(string key)
    {
        Span<byte> bytes = stackalloc byte[18];
        if (key.Length != 22 || !Base64Url.TryDecodeFromChars(key, bytes, out var written) || written != 16)
            return false;
        KeyHigh = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        KeyLow = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        return Key == key; // a non-canonical last character would not come back the same
    }

    /// <summary>Ordinal order of the keys as strings, the tie-breaker of every search order.</summary>
    /// <remarks>
    /// Without encoding them: the keys' first differing 6-bit group (a character of the base64url text) decides, by the
    /// character it encodes (base64url's alphabet is not in ordinal order). The 22nd character holds the last 2 bits,
    /// shifted left by 4 (A, Q, g, w): in the bits' order.
    /// </remarks>
    public static int CompareKeys(in IndexedImage a, in IndexedImage b)
    {
        var x = new UInt128(a.KeyHigh, a.KeyLow);
        var y = new UInt128(b.KeyHigh, b.KeyLow);
        if (x == y)
            return 0;
        var group = (int)UInt128.LeadingZeroCount(x ^ y) / 6;
        if (group >= 21)
            return x.CompareTo(y);
        var shift = 122 - 6 * group;
        var alphabet = Base64UrlAlphabet;
        return alphabet[(int)(x >> shift) & 63].CompareTo(alphabet[(int)(y >> shift) & 63]);
    }

    private static ReadOnlySpan<byte> Base64UrlAlphabet => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"u8;
}
