using System.Globalization;
using System.Text.Json;
using Sightline.Contract;

namespace Sightline.Stac;

/// <summary>
/// A parsed CQL2 filter (OGC 21-065): comparisons, BETWEEN, LIKE, IN, IS NULL, AND/OR/NOT and the temporal functions (T_AFTER,
/// T_DURING and the rest of Table 7), over the fields of <c>/api/queryables</c>. Read from CQL2-text or CQL2-JSON into the same tree.
/// </summary>
public abstract record Cql2
{
    public sealed record All(IReadOnlyList<Cql2> Parts) : Cql2;
    public sealed record Any(IReadOnlyList<Cql2> Parts) : Cql2;
    public sealed record Not(Cql2 Inner) : Cql2;
    public sealed record Compare(string Property, string Op, Cql2Value Value) : Cql2;
    public sealed record In(string Property, IReadOnlyList<Cql2Value> Values) : Cql2;
    public sealed record IsNull(string Property) : Cql2;
    /// <summary>A string property matched against a LIKE pattern: <c>%</c> any run of characters, <c>_</c> one, <c>\</c> escapes.</summary>
    public sealed record Like(string Property, string Pattern) : Cql2;
    /// <summary>
    /// A temporal function (lower case, e.g. <c>t_after</c>) of a time property and an instant (<c>From == To</c>) or an interval
    /// (open ends are null; both ends included: a date as the last millisecond of its day at the end).
    /// </summary>
    public sealed record Temporal(string Op, string Property, long? From, long? To) : Cql2
    {
        /// <summary>
        /// Whether the function holds for a photo taken at <paramref name="instant"/>: CQL2's Table 7 with the photo's time as an
        /// interval that begins and ends at once, the literal's open ends as the beginning and end of time.
        /// </summary>
        public bool Holds(long instant)
        {
            long begin = From ?? long.MinValue, end = To ?? long.MaxValue;
            return Op switch
            {
                "t_after" => instant > end,
                "t_before" => instant < begin,
                "t_during" => instant > begin && instant < end,
                "t_equals" => instant == begin && instant == end,
                "t_intersects" => instant >= begin && instant <= end,
                "t_disjoint" => instant < begin || instant > end,
                "t_meets" => instant == begin,
                "t_metby" => instant == end,
                "t_starts" => instant == begin && instant < end,
                "t_finishes" => instant > begin && instant == end,
                // An instant neither contains, overlaps, nor starts or finishes past anything: these hold only for a longer first argument.
                _ => false,
            };
        }
    }

    /// <summary>The temporal functions of CQL2 (OGC 21-065, Table 7), lower case.</summary>
    public static readonly IReadOnlySet<string> TemporalFunctions = new HashSet<string>
    {
        "t_after", "t_before", "t_contains", "t_disjoint", "t_during", "t_equals", "t_finishedby", "t_finishes", "t_intersects",
        "t_meets", "t_metby", "t_overlappedby", "t_overlaps", "t_startedby", "t_starts",
    };

    /// <summary>The queryable fields: name, JSON Schema type, and what it means.</summary>
    public static readonly IReadOnlyList<(string Name, string Type, string Title)> Queryables =
    [
        ("id", "string", "The photo's key"),
        ("collection", "string", "The key of the photo's sequence"),
        ("datetime", "datetime", "When the photo was taken (UTC)"),
        ("view:azimuth", "number", "The compass direction the camera faced, in degrees from north"),
        ("producer", "string", "The username of who took the photo"),
    ];

    /// <summary>BETWEEN (advanced comparison operators): both ends included, as two comparisons.</summary>
    internal static Cql2 Between(string property, Cql2Value low, Cql2Value high) =>
        new All([new Compare(property, ">=", low), new Compare(property, "<=", high)]);

    /// <summary>LIKE (advanced comparison operators), on a string queryable and a string pattern.</summary>
    internal static Cql2 LikeOf(string property, Cql2Value pattern) =>
        Queryables.First(q => q.Name == property).Type != "string"
            ? throw Invalid($"applies LIKE to {property}, which is not a string")
            : new Like(property, pattern.Text ?? throw Invalid("takes a quoted pattern after LIKE"));

    public static bool IsQueryable(string name) => Queryables.Any(q => q.Name == name);

    public static bool IsTime(string property) => property == "datetime";

    public static Cql2 ParseText(string text) => new Cql2Text(text).ParseAll();

    public static Cql2 ParseJson(JsonElement json) => Cql2Json.Parse(json);

    internal static ApiException Invalid(string why) => ApiException.Invalid("filter", why);

    internal static string Queryable(string name) => IsQueryable(name)
        ? name
        : throw Invalid($"names '{name}', which is not queryable; the queryables are {string.Join(", ", Queryables.Select(q => q.Name))}");

    /// <summary>An RFC 3339 instant (or a date, meaning its midnight UTC) as epoch milliseconds.</summary>
    public static long? ParseInstant(string text)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            && (text.Contains('T') || text.Contains('t') || text.Length == 10))
            return time.ToUnixTimeMilliseconds();
        return null;
    }
}

/// <summary>
/// A literal of a CQL2 filter: a number, a string, or a time (epoch milliseconds): an instant, or a date, which CQL2 makes
/// "an instant with a granularity of a day" (OGC 21-065 §6): its <see cref="Last"/> millisecond is the day's last.
/// </summary>
public readonly record struct Cql2Value(double? Number, string? Text, long? Instant)
{
    private const long DayMilliseconds = 86_400_000;

    /// <summary>The last millisecond a date literal covers; null for an instant (which covers one).</summary>
    public long? Last { get; init; }

    public static Cql2Value Of(double number) => new(number, null, null);
    public static Cql2Value Of(string text) => new(null, text, null);
    public static Cql2Value At(long instant) => new(null, null, instant);

    /// <summary>A DATE('YYYY-MM-DD') literal: the whole day, UTC; any other time in it is read as an instant, as TIMESTAMP.</summary>
    public static Cql2Value Date(string text) =>
        Cql2.ParseInstant(text) is not { } start ? throw Cql2.Invalid($"has a DATE that is not YYYY-MM-DD: {text}")
        : text.Length == 10 ? At(start) with { Last = start + DayMilliseconds - 1 }
        : At(start);

    /// <summary>
    /// This value as the milliseconds it covers, first and last (the same for an instant): a time literal, or a string that
    /// reads as one (for datetime comparisons), a date-only string as its whole day.
    /// </summary>
    public (long First, long Last) AsPeriod(string property)
    {
        if (Instant is { } instant)
            return (instant, Last ?? instant);
        if (Text is { } text && Cql2.ParseInstant(text) is { } parsed)
            return (parsed, text.Length == 10 ? parsed + DayMilliseconds - 1 : parsed);
        throw Cql2.Invalid($"compares {property} with something that is not a time: use TIMESTAMP('2024-05-04T09:00:00Z')");
    }
}

/// <summary>Reads CQL2-JSON: <c>{"op": "and", "args": [...]}</c>, properties as <c>{"property": "name"}</c>.</summary>
internal static class Cql2Json
{
    public static Cql2 Parse(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("op", out var opElement) || opElement.ValueKind != JsonValueKind.String
            || !json.TryGetProperty("args", out var args) || args.ValueKind != JsonValueKind.Array)
            throw Cql2.Invalid("must be a CQL2-JSON expression {\"op\": ..., \"args\": [...]}");
        var op = opElement.GetString()!.ToLowerInvariant();
        var list = args.EnumerateArray().ToList();
        switch (op)
        {
            case "and" or "or":
                if (list.Count < 2)
                    throw Cql2.Invalid($"'{op}' needs at least two arguments");
                var parts = list.Select(Parse).ToList();
                return op == "and" ? new Cql2.All(parts) : new Cql2.Any(parts);
            case "not":
                return list.Count == 1 ? new Cql2.Not(Parse(list[0])) : throw Cql2.Invalid("'not' takes one argument");
            case "=" or "<>" or "<" or "<=" or ">" or ">=":
                return list.Count == 2 ? new Cql2.Compare(Property(list[0]), op, Value(list[1])) : throw Cql2.Invalid($"'{op}' takes two arguments");
            case "between":
                return list.Count == 3 ? Cql2.Between(Property(list[0]), Value(list[1]), Value(list[2])) : throw Cql2.Invalid("'between' takes a property and two values");
            case "like":
                return list.Count == 2 ? Cql2.LikeOf(Property(list[0]), Value(list[1])) : throw Cql2.Invalid("'like' takes a property and a pattern");
            case "in":
                if (list.Count != 2 || list[1].ValueKind != JsonValueKind.Array)
                    throw Cql2.Invalid("'in' takes a property and an array of values");
                return new Cql2.In(Property(list[0]), list[1].EnumerateArray().Select(Value).ToList());
            case "isnull":
                return list.Count == 1 ? new Cql2.IsNull(Property(list[0])) : throw Cql2.Invalid("'isNull' takes one argument");
            case var temporal when Cql2.TemporalFunctions.Contains(temporal):
            {
                if (list.Count != 2)
                    throw Cql2.Invalid($"'{op}' takes a property and a timestamp or {{\"interval\": [start, end]}}");
                var property = TimeProperty(list[0]);
                if (list[1].ValueKind == JsonValueKind.Object && list[1].TryGetProperty("interval", out var interval))
                {
                    if (interval.ValueKind != JsonValueKind.Array || interval.GetArrayLength() != 2)
                        throw Cql2.Invalid("has an interval that is not [start, end]");
                    var ends = interval.EnumerateArray()
                        .Select(e => e.ValueKind == JsonValueKind.String && e.GetString() == ".." ? ((long, long)?)null : Value(e).AsPeriod(property)).ToList();
                    return new Cql2.Temporal(op, property, ends[0]?.Item1, ends[1]?.Item2);
                }
                var (first, last) = Value(list[1]).AsPeriod(property);
                return new Cql2.Temporal(op, property, first, last);
            }
            default:
                throw Cql2.Invalid($"uses the operator '{op}', which this server does not support (and, or, not, =, <>, <, <=, >, >=, between, like, in, isNull and the temporal functions t_after to t_starts)");
        }
    }

    private static string Property(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("property", out var name) && name.ValueKind == JsonValueKind.String
            ? Cql2.Queryable(name.GetString()!)
            : throw Cql2.Invalid("compares something that is not a property: use {\"property\": \"name\"} first");

    private static string TimeProperty(JsonElement element)
    {
        var property = Property(element);
        return Cql2.IsTime(property) ? property : throw Cql2.Invalid($"applies a temporal function to {property}, which is not a time");
    }

    private static Cql2Value Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => Cql2Value.Of(element.GetDouble()),
        JsonValueKind.String => Cql2Value.Of(element.GetString()!),
        JsonValueKind.Object when element.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.String =>
            Cql2Value.At(Cql2.ParseInstant(t.GetString()!) ?? throw Cql2.Invalid($"has a timestamp that is not RFC 3339: {t.GetString()}")),
        JsonValueKind.Object when element.TryGetProperty("date", out var d) && d.ValueKind == JsonValueKind.String =>
            Cql2Value.Date(d.GetString()!),
        _ => throw Cql2.Invalid("has a value that is not a number, a string, a timestamp or a date"),
    };
}
