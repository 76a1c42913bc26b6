using Sightline.Search.Index;

namespace Sightline.Stac;

/// <summary>Turns a <see cref="Cql2"/> tree into a test of one indexed photo.</summary>
public static class Cql2Predicate
{
    public delegate bool Test(in IndexedImage image);

    public static Test Compile(Cql2 filter, ImageIndex index) => filter switch
    {
        Cql2.All all => AllOf(all.Parts.Select(p => Compile(p, index)).ToArray()),
        Cql2.Any any => AnyOf(any.Parts.Select(p => Compile(p, index)).ToArray()),
        Cql2.Not not => Negate(Compile(not.Inner, index)),
        Cql2.IsNull isNull => isNull.Property == "view:azimuth" ? (in IndexedImage i) => float.IsNaN(i.Ca) : (in IndexedImage _) => false,
        Cql2.Temporal t => t.Op switch
        {
            "t_after" => (in IndexedImage i) => i.CapturedAt > t.From,
            "t_before" => (in IndexedImage i) => i.CapturedAt < t.To,
            _ => (in IndexedImage i) => (t.From is not { } from || i.CapturedAt >= from) && (t.To is not { } to || i.CapturedAt <= to),
        },
        Cql2.In inList => AnyOf(inList.Values.Select(v => Compile(new Cql2.Compare(inList.Property, "=", v), index)).ToArray()),
        Cql2.Compare compare => Comparison(compare, index),
        _ => throw new ArgumentOutOfRangeException(nameof(filter)),
    };

    private static Test AllOf(Test[] parts) => (in IndexedImage image) =>
    {
        foreach (var part in parts)
            if (!part(image))
                return false;
        return true;
    };

    private static Test AnyOf(Test[] parts) => (in IndexedImage image) =>
    {
        foreach (var part in parts)
            if (part(image))
                return true;
        return false;
    };

    private static Test Negate(Test inner) => (in IndexedImage image) => !inner(image);

    private static Test Comparison(Cql2.Compare compare, ImageIndex index)
    {
        var op = compare.Op;
        switch (compare.Property)
        {
            case "datetime":
            {
                var instant = compare.Value.AsInstant(compare.Property);
                return (in IndexedImage i) => Holds(op, i.CapturedAt.CompareTo(instant));
            }
            case "view:azimuth":
            {
                var number = compare.Value.Number ?? throw Cql2.Invalid("compares view:azimuth with something that is not a number");
                // A photo without a direction satisfies no comparison (CQL2: a comparison with null is unknown, not true).
                return (in IndexedImage i) => !float.IsNaN(i.Ca) && Holds(op, ((double)i.Ca).CompareTo(number));
            }
            default:
            {
                var text = compare.Value.Text ?? throw Cql2.Invalid($"compares {compare.Property} with something that is not a string");
                Func<IndexedImage, string> read = compare.Property switch
                {
                    "id" => i => i.Key,
                    "collection" => i => index.SequenceKey(i.SequenceId) ?? "",
                    _ => i => index.Username(i.UserId),
                };
                return (in IndexedImage i) => Holds(op, string.CompareOrdinal(read(i), text));
            }
        }
    }

    private static bool Holds(string op, int order) => op switch
    {
        "=" => order == 0,
        "<>" => order != 0,
        "<" => order < 0,
        "<=" => order <= 0,
        ">" => order > 0,
        _ => order >= 0,
    };
}
