using Sightline.Search.Index;

namespace Sightline.Stac;

/// <summary>Turns a <see cref="Cql2"/> tree into a test of one indexed photo.</summary>
public static class Cql2Predicate
{
    public delegate bool Test(in IndexedImage image);

    /// <summary>The photos for which <paramref name="filter"/> is true.</summary>
    public static Test Compile(Cql2 filter, ImageIndex index) => Judge(filter, index).True;

    /// <summary>
    /// CQL2's three-valued logic: a comparison with a missing value (a photo without a direction) is neither true nor false
    /// but unknown, and so are NOT, AND and OR over it as SQL has them. A filter keeps the photos for which it is true; so
    /// each part is compiled into when it is true and when it is false, and unknown is neither.
    /// </summary>
    private static (Test True, Test False) Judge(Cql2 filter, ImageIndex index)
    {
        switch (filter)
        {
            case Cql2.All all:
            {
                var parts = all.Parts.Select(p => Judge(p, index)).ToArray();
                return (Every(parts.Select(p => p.True).ToArray()), Some(parts.Select(p => p.False).ToArray()));
            }
            case Cql2.Any any:
            {
                var parts = any.Parts.Select(p => Judge(p, index)).ToArray();
                return (Some(parts.Select(p => p.True).ToArray()), Every(parts.Select(p => p.False).ToArray()));
            }
            case Cql2.Not not:
            {
                var (isTrue, isFalse) = Judge(not.Inner, index);
                return (isFalse, isTrue);
            }
            case Cql2.In inList:
            {
                var parts = inList.Values.Select(v => Judge(new Cql2.Compare(inList.Property, "=", v), index)).ToArray();
                return (Some(parts.Select(p => p.True).ToArray()), Every(parts.Select(p => p.False).ToArray()));
            }
            case Cql2.IsNull isNull:
            {
                // IS NULL is never unknown.
                Test test = isNull.Property == "view:azimuth" ? (in IndexedImage i) => float.IsNaN(i.Ca) : (in IndexedImage _) => false;
                return (test, (in IndexedImage i) => !test(i));
            }
            default:
            {
                var test = Leaf(filter, index);
                if (!Reads(filter, "view:azimuth"))
                    return (test, (in IndexedImage i) => !test(i));
                // The one queryable a photo may lack: without a direction, the comparison is unknown.
                return ((in IndexedImage i) => !float.IsNaN(i.Ca) && test(i), (in IndexedImage i) => !float.IsNaN(i.Ca) && !test(i));
            }
        }
    }

    private static bool Reads(Cql2 leaf, string property) => leaf is Cql2.Compare { Property: var p } && p == property;

    private static Test Leaf(Cql2 filter, ImageIndex index) => filter switch
    {
        Cql2.Temporal t => (in IndexedImage i) => t.Holds(i.CapturedAt),
        Cql2.Like like => Matching(like, index),
        Cql2.Compare compare => Comparison(compare, index),
        _ => throw new ArgumentOutOfRangeException(nameof(filter)),
    };

    private static Test Every(Test[] parts) => (in IndexedImage image) =>
    {
        foreach (var part in parts)
            if (!part(image))
                return false;
        return true;
    };

    private static Test Some(Test[] parts) => (in IndexedImage image) =>
    {
        foreach (var part in parts)
            if (part(image))
                return true;
        return false;
    };

    private static Test Comparison(Cql2.Compare compare, ImageIndex index)
    {
        var op = compare.Op;
        switch (compare.Property)
        {
            case "datetime":
            {
                // Against a date, the photo's time is compared with the day it covers: = within it, < before its first
                // millisecond, > after its last (for an instant, first and last are the same).
                var (first, last) = compare.Value.AsPeriod(compare.Property);
                return op switch
                {
                    "=" => (in IndexedImage i) => i.CapturedAt >= first && i.CapturedAt <= last,
                    "<>" => (in IndexedImage i) => i.CapturedAt < first || i.CapturedAt > last,
                    "<" => (in IndexedImage i) => i.CapturedAt < first,
                    "<=" => (in IndexedImage i) => i.CapturedAt <= last,
                    ">" => (in IndexedImage i) => i.CapturedAt > last,
                    _ => (in IndexedImage i) => i.CapturedAt >= first,
                };
            }
            case "view:azimuth":
            {
                var number = compare.Value.Number ?? throw Cql2.Invalid("compares view:azimuth with something that is not a number");
                return (in IndexedImage i) => Holds(op, i.StoredCa.CompareTo(number)); // as stored, as the item shows it
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
