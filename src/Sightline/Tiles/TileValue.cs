using System.IO.Hashing;
using System.Text;

namespace Sightline.Tiles;

/// <summary>
/// A string property value of a vector tile, kept encoded as the protobuf <c>Value</c> message the tile carries (field 1,
/// string_value, as UTF-8), so a tile copies it instead of re-encoding a sequence's keys and angles every time. Values
/// are equal by content, as the tile's value table numbers them; the hash is computed once.
/// </summary>
public sealed class TileValue : IEquatable<TileValue>
{
    private readonly int hash;

    private TileValue(byte[] message)
    {
        Message = message;
        hash = (int)XxHash3.HashToUInt64(message);
    }

    /// <summary>The encoded <c>Value</c> message (without its own length prefix).</summary>
    public byte[] Message { get; }

    public static TileValue Text(string value) => Utf8(Encoding.UTF8.GetBytes(value));

    /// <summary>A string value from its UTF-8 bytes.</summary>
    public static TileValue Utf8(ReadOnlySpan<byte> utf8)
    {
        var message = new byte[1 + Protobuf.VarintSize((uint)utf8.Length) + utf8.Length];
        message[0] = 0x0A; // field 1 (string_value), length-delimited
        var at = Protobuf.WriteVarint(message, 1, (uint)utf8.Length);
        utf8.CopyTo(message.AsSpan(at));
        return new TileValue(message);
    }

    public bool Equals(TileValue? other) =>
        other is not null && (ReferenceEquals(this, other) || (hash == other.hash && Message.AsSpan().SequenceEqual(other.Message)));

    public override bool Equals(object? obj) => Equals(obj as TileValue);

    public override int GetHashCode() => hash;
}

/// <summary>The two pieces of protobuf's wire format a vector tile needs: varints and their sizes.</summary>
public static class Protobuf
{
    public static int VarintSize(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    /// <summary>Writes <paramref name="value"/> at <paramref name="at"/>; returns the position after it.</summary>
    public static int WriteVarint(Span<byte> buffer, int at, uint value)
    {
        while (value >= 0x80)
        {
            buffer[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[at++] = (byte)value;
        return at;
    }
}
