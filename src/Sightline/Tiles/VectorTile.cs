using System.Text;

namespace Sightline.Tiles;

/// <summary>
/// A minimal Mapbox Vector Tile 2.1 writer: one layer of LineString features with string properties,
/// which is all <c>/tiles</c> serves (spec §3.9). The protocol buffer is written by hand because the
/// format needs four message types and a handful of field kinds.
/// </summary>
public sealed class VectorTile(string layerName, uint extent = VectorTile.DefaultExtent)
{
    public const uint DefaultExtent = 4096;

    private readonly List<(List<(long X, long Y)> Points, List<uint> Tags)> features = [];
    private readonly Dictionary<string, uint> keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, uint> values = new(StringComparer.Ordinal);

    public int FeatureCount => features.Count;

    /// <summary>Adds a line given in tile coordinates (0..extent inside the tile; outside is allowed and clipped by readers).</summary>
    public void AddLine(IReadOnlyList<(long X, long Y)> points, IEnumerable<KeyValuePair<string, string>> properties)
    {
        var line = new List<(long X, long Y)>(points.Count);
        foreach (var point in points)
            if (line.Count == 0 || line[^1] != point)
                line.Add(point);
        if (line.Count == 0)
            return;
        // MVT §4.3.3.2 forbids a LineTo of (0, 0): a line through one spot becomes one unit long.
        if (line.Count == 1)
            line.Add((line[0].X + 1, line[0].Y));

        var tags = new List<uint>();
        foreach (var (key, value) in properties)
        {
            tags.Add(Intern(keys, key));
            tags.Add(Intern(values, value));
        }
        features.Add((line, tags));
    }

    public byte[] ToBytes()
    {
        var layer = new ProtoWriter();
        layer.WriteVarintField(15, 2); // version
        layer.WriteBytesField(1, Encoding.UTF8.GetBytes(layerName));
        for (var i = 0; i < features.Count; i++)
        {
            var (points, tags) = features[i];
            var feature = new ProtoWriter();
            feature.WriteVarintField(1, (ulong)(i + 1)); // id
            feature.WritePackedField(2, tags);
            feature.WriteVarintField(3, 2); // GeomType LINESTRING
            feature.WritePackedField(4, Geometry(points));
            layer.WriteBytesField(2, feature.ToArray());
        }
        foreach (var key in keys.OrderBy(k => k.Value))
            layer.WriteBytesField(3, Encoding.UTF8.GetBytes(key.Key));
        foreach (var value in values.OrderBy(v => v.Value))
        {
            var message = new ProtoWriter();
            message.WriteBytesField(1, Encoding.UTF8.GetBytes(value.Key)); // string_value
            layer.WriteBytesField(4, message.ToArray());
        }
        layer.WriteVarintField(5, extent);

        var tile = new ProtoWriter();
        tile.WriteBytesField(3, layer.ToArray());
        return tile.ToArray();
    }

    private static uint Intern(Dictionary<string, uint> table, string text)
    {
        if (!table.TryGetValue(text, out var index))
            table[text] = index = (uint)table.Count;
        return index;
    }

    // MoveTo the first point, then one LineTo with the rest, each as zigzag deltas (MVT §4.3).
    private static List<uint> Geometry(List<(long X, long Y)> points)
    {
        var commands = new List<uint>(points.Count * 2 + 2) { Command(1, 1) };
        long x = 0, y = 0;
        for (var i = 0; i < points.Count; i++)
        {
            if (i == 1)
                commands.Add(Command(2, (uint)(points.Count - 1)));
            commands.Add(ZigZag(points[i].X - x));
            commands.Add(ZigZag(points[i].Y - y));
            (x, y) = points[i];
        }
        return commands;
    }

    private static uint Command(uint id, uint count) => (id & 0x7) | (count << 3);

    private static uint ZigZag(long value) => (uint)((value << 1) ^ (value >> 63));

    private sealed class ProtoWriter
    {
        private readonly MemoryStream buffer = new();

        public void WriteVarintField(int field, ulong value)
        {
            WriteVarint((ulong)(field << 3));
            WriteVarint(value);
        }

        public void WriteBytesField(int field, byte[] bytes)
        {
            WriteVarint((ulong)((field << 3) | 2));
            WriteVarint((ulong)bytes.Length);
            buffer.Write(bytes);
        }

        public void WritePackedField(int field, List<uint> items)
        {
            var packed = new ProtoWriter();
            foreach (var item in items)
                packed.WriteVarint(item);
            WriteBytesField(field, packed.ToArray());
        }

        public byte[] ToArray() => buffer.ToArray();

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                buffer.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }
            buffer.WriteByte((byte)value);
        }
    }
}
