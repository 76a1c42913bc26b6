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
            // CQL2 (OGC 21-065, Table 7): T_DURING holds strictly inside the interval; an open end ("..") bounds nothing.
            _ => (in IndexedImage i) => (t.From is not { } from || i.CapturedAt > from) && (t.To is not { } to || i.CapturedAt < to),
        },
        Cql2.Like like => Matching(like, index),
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
                var read = Text(compare.Property, index);
                return (in IndexedImage i) => Holds(op, string.CompareOrdinal(read(i), text));
            }
        }
    }

    private static Func<IndexedImage, string> Text(string property, ImageIndex index) => property switch
    {
        "id" => i => i.Key,
        "collection" => i => index.SequenceKey(i.SequenceId) ?? "",
        _ => i => index.Username(i.UserId),
    };

    // LIKE's pattern as a whole-string regular expression: % any run, _ one character, a backslash takes the next literally.
    private static Test Matching(Cql2.Like like, ImageIndex index)
    {
        var pattern = new System.Text.StringBuilder("^");
        for (var n = 0; n < like.Pattern.Length; n++)
        {
            var c = like.Pattern[n];
            pattern.Append(c switch
            {
                '%' => ".*",
                '_' => ".",
                '\\' when n + 1 < like.Pattern.Length => System.Text.RegularExpressions.Regex.Escape(like.Pattern[++n].ToString()),
                _ => System.Text.RegularExpressions.Regex.Escape(c.ToString()),
            });
        }
        var regex = new System.Text.RegularExpressions.Regex(pattern.Append('$').ToString(),
            System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromMilliseconds(100));
        var read = Text(like.Property, index);
        return (in IndexedImage i) => regex.IsMatch(read(i));
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
