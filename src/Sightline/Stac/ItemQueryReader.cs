using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Sightline.Contract;
using Sightline.Search.Index;

namespace Sightline.Stac;

/// <summary>
/// Reads the parameters of <c>/api/search</c> (STAC API Item Search, with the sort, filter and Panoramax place extensions)
/// from a query string or a POST body into an <see cref="ItemQuery"/>. A POST body's fields are first written in their
/// GET spelling, so both are judged by one reader, in the contract's order: missing before invalid.
/// </summary>
public sealed class ItemQueryReader(IOptions<StacOptions> options)
{
    public static readonly string[] Names =
        ["bbox", "intersects", "datetime", "ids", "collections", "limit", "token", "sortby", "filter", "filter-lang", "place_position", "place_distance", "place_fov_tolerance"];

    private StacOptions Options => options.Value;

    public static Dictionary<string, string> FromQuery(IQueryCollection query) =>
        Names.Where(n => !string.IsNullOrEmpty(query[n].FirstOrDefault())).ToDictionary(n => n, n => query[n].FirstOrDefault()!);

    /// <summary>The body's fields in their GET spelling: arrays joined with commas, objects as JSON text.</summary>
    public static Dictionary<string, string> FromBody(JsonElement body)
    {
        var fields = new Dictionary<string, string>();
        foreach (var name in Names)
        {
            if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                continue;
            fields[name] = (name, value.ValueKind) switch
            {
                ("sortby", JsonValueKind.Array) => string.Join(",", value.EnumerateArray().Select(SortTerm)),
                (_, JsonValueKind.Array) => string.Join(",", value.EnumerateArray().Select(Scalar)),
                (_, JsonValueKind.Object) => value.GetRawText(),
                _ => Scalar(value),
            };
            if (name == "filter" && value.ValueKind == JsonValueKind.Object && !body.TryGetProperty("filter-lang", out _))
                fields["filter-lang"] = "cql2-json";
        }
        return fields;
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        // A whole number in any JSON spelling (10.0, 1e3) reads as one: a limit of 1e3 is a limit of 1000.
        JsonValueKind.Number when value.TryGetDouble(out var number) && double.IsFinite(number) && number == Math.Floor(number) =>
            number.ToString("F0", CultureInfo.InvariantCulture),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => throw ApiException.Invalid("body", "has a list holding something other than strings and numbers"),
    };

    private static string SortTerm(JsonElement term)
    {
        if (term.ValueKind != JsonValueKind.Object || !term.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String)
            throw ApiException.Invalid("sortby", "must be a list of {\"field\": ..., \"direction\": \"asc\" or \"desc\"}");
        var descending = term.TryGetProperty("direction", out var direction) && direction.ValueKind == JsonValueKind.String && direction.GetString() == "desc";
        return (descending ? "-" : "+") + field.GetString();
    }

    public ItemQuery Read(IReadOnlyDictionary<string, string> fields)
    {
        string? Get(string name) => fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

        // Missing before invalid (CONTRACT.md §4), whatever else is wrong: a list of ids given empty (",") and a place's
        // distance or angle without the place.
        foreach (var list in new[] { "ids", "collections" })
            if (Get(list) is { } text && text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Length == 0)
                throw ApiException.Missing(list);
        if (Get("place_position") is null && (Get("place_distance") is not null || Get("place_fov_tolerance") is not null))
            throw ApiException.Missing("place_position");
        var query = new ItemQuery { Limit = Options.DefaultLimit };
        if (Get("bbox") is { } bbox)
            query = query with { Areas = Box(bbox) };
        if (Get("intersects") is { } intersects)
        {
            if (query.Areas is not null)
                throw ApiException.Invalid("intersects", "cannot be combined with bbox: send one of them");
            query = Geometry(query, intersects);
        }
        if (Get("datetime") is { } datetime)
        {
            var (from, to) = Interval(datetime);
            query = query with { From = from, To = to };
        }
        if (Get("ids") is { } ids)
            query = query with { Ids = List("ids", ids).ToHashSet(StringComparer.Ordinal) };
        if (Get("collections") is { } collections)
            query = query with { Collections = List("collections", collections) };
        if (Get("filter") is { } filter)
            query = query with { Filter = Filter(filter, Get("filter-lang")) };
        else if (Get("filter-lang") is { } language)
            FilterLanguage(language); // judged without a filter too, as the document's enum says
        if (Get("place_position") is { } position)
            query = query with { Place = Place(position, Get("place_distance"), Get("place_fov_tolerance")) };
        query = query with { Order = Order(Get("sortby"), query.Place is not null) };
        query = query with { Limit = Parameters.Limit(Get("limit"), Options.MaxLimit, Options.DefaultLimit), Offset = Token(Get("token")) };
        if ((long)query.Offset + query.Limit > Options.MaxOffset + (long)Options.MaxLimit)
            throw ApiException.Invalid("token", $"reaches deeper than {Options.MaxOffset} results into one search: narrow the search instead");
        return query;
    }

    /// <summary>The token of the page after <paramref name="offset"/>: opaque to clients, an offset into the order here.</summary>
    public static string TokenFor(int offset) => "next:" + offset.ToString(CultureInfo.InvariantCulture);

    private static int Token(string? token)
    {
        if (token is null)
            return 0;
        if (token.StartsWith("next:", StringComparison.Ordinal)
            && int.TryParse(token.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            return offset;
        throw ApiException.Invalid("token", "must be a token from a next link of an earlier answer");
    }

    public static IReadOnlyList<GeoBox> Box(string text)
    {
        var parts = Numbers("bbox", text);
        if (parts.Length is not (4 or 6))
            throw ApiException.Invalid("bbox", "must be four numbers: west,south,east,north (or six with heights)");
        var (west, south, east, north) = parts.Length == 4 ? (parts[0], parts[1], parts[2], parts[3]) : (parts[0], parts[1], parts[3], parts[4]);
        if (west is < -180 or > 180 || east is < -180 or > 180)
            throw ApiException.Invalid("bbox", "must have longitudes between -180 and 180");
        if (south is < -90 or > 90 || north is < -90 or > 90)
            throw ApiException.Invalid("bbox", "must have latitudes between -90 and 90");
        if (south > north)
            throw ApiException.Invalid("bbox", "must have its south edge below its north edge");
        if (parts.Length == 6)
        {
            if (parts[2] > parts[5])
                throw ApiException.Invalid("bbox", "must have its lower height before its upper one");
            // STAC item search: items of 2D geometries, as every photo here, lie at height 0; a box above or below it holds none.
            if (parts[2] > 0 || parts[5] < 0)
                return [];
        }
        // STAC: a west edge east of the east edge crosses the antimeridian.
        return GeoBox.Covering(south, west, north, east);
    }

    // Each part must be a finite number; the message names the list's form rather than a number's range.
    private static double[] Numbers(string name, string text) =>
        text.Split(',').Select(part => double.TryParse(part.Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw ApiException.Invalid(name, "must be a comma-separated list of numbers, such as 3.71,51.05,3.73,51.06")).ToArray();

    /// <summary>At most this many parts (points, lines, polygons) in one intersects geometry.</summary>
    private const int MaxGeometryParts = 1000;

    private static ItemQuery Geometry(ItemQuery query, string text)
    {
        var geometry = JsonNode.Parse(RequestBody.ParseJson(text, () => ApiException.Invalid("intersects", "must be a GeoJSON geometry")).GetRawText());
        var (polygons, lines, points) = (new List<PolygonFilter>(), new List<(double Lon, double Lat)[]>(), new List<(double Lon, double Lat)>());
        try
        {
            Parts(geometry, polygons, lines, points, depth: 0);
        }
        catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException)
        {
            throw ApiException.Invalid("intersects", "must be a GeoJSON geometry with valid coordinates");
        }
        if (polygons.Count + lines.Count + points.Count is 0 or > MaxGeometryParts)
            throw ApiException.Invalid("intersects", $"must be a GeoJSON geometry of 1 to {MaxGeometryParts} points, lines and polygons");
        var filter = new GeometryFilter(polygons, lines, points);
        return query with { Geometry = filter, Areas = filter.Boxes() };
    }

    // Every GeoJSON geometry type (RFC 7946 §3.1), a GeometryCollection's members one level deep as the RFC advises.
    private static void Parts(JsonNode? geometry, List<PolygonFilter> polygons, List<(double Lon, double Lat)[]> lines, List<(double Lon, double Lat)> points, int depth)
    {
        var type = geometry?["type"]?.GetValueKind() == JsonValueKind.String ? geometry["type"]!.GetValue<string>() : null;
        var coordinates = geometry?["coordinates"];
        switch (type)
        {
            case "Point":
                points.Add(Position(coordinates!));
                break;
            case "MultiPoint":
                points.AddRange(coordinates!.AsArray().Select(p => Position(p!)));
                break;
            case "LineString":
                lines.Add(Line(coordinates!));
                break;
            case "MultiLineString":
                lines.AddRange(coordinates!.AsArray().Select(l => Line(l!)));
                break;
            case "Polygon":
                polygons.Add(Polygon(coordinates!));
                break;
            case "MultiPolygon":
                polygons.AddRange(coordinates!.AsArray().Select(p => Polygon(p!)));
                break;
            case "GeometryCollection" when depth == 0 && geometry!["geometries"] is JsonArray members:
                foreach (var member in members)
                    Parts(member, polygons, lines, points, depth + 1);
                break;
            default:
                throw ApiException.Invalid("intersects", "must be a GeoJSON geometry: Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon or GeometryCollection");
        }
        if (polygons.Count + lines.Count + points.Count > MaxGeometryParts)
            throw ApiException.Invalid("intersects", $"must be a GeoJSON geometry of 1 to {MaxGeometryParts} points, lines and polygons");
    }

    private static (double Lon, double Lat)[] Line(JsonNode coordinates)
    {
        var line = coordinates.AsArray().Select(p => Position(p!)).ToArray();
        return line.Length >= 2 ? line : throw ApiException.Invalid("intersects", "must have lines of at least two positions");
    }

    private static PolygonFilter Polygon(JsonNode coordinates)
    {
        var rings = coordinates.AsArray().Select(ring => ring!.AsArray().Select(p => Position(p!)).ToArray()).ToList();
        if (rings.Count == 0 || rings.Any(r => r.Length < 4))
            throw ApiException.Invalid("intersects", "must have polygons whose rings have at least four positions");
        return new PolygonFilter(rings);
    }

    private static (double Lon, double Lat) Position(JsonNode node)
    {
        var array = node.AsArray();
        if (array.Count < 2)
            throw ApiException.Invalid("intersects", "must have positions of [longitude, latitude]");
        var lon = array[0]!.GetValue<double>();
        var lat = array[1]!.GetValue<double>();
        if (!double.IsFinite(lon) || !double.IsFinite(lat) || lon is < -180 or > 180 || lat is < -90 or > 90)
            throw ApiException.Invalid("intersects", "must have longitudes between -180 and 180 and latitudes between -90 and 90");
        return (lon, lat);
    }

    /// <summary>An RFC 3339 instant, or an interval <c>start/end</c> with <c>..</c> (or nothing) for an open end.</summary>
    public static (long? From, long? To) Interval(string text)
    {
        long? Instant(string part) => part is "" or ".." ? null
            : Cql2.ParseInstant(part) ?? throw ApiException.Invalid("datetime", "must be an RFC 3339 time or an interval start/end (.. for an open end)");
        // A date alone (lenient: RFC 3339 wants a time) stands for its whole day: as an end, the day's last millisecond.
        const long LastMillisecondOfTheDay = 86_400_000 - 1;
        long? End(string part) => Instant(part) is { } at && part.Length == 10 ? at + LastMillisecondOfTheDay : Instant(part);
        var parts = text.Split('/');
        if (parts.Length == 1)
        {
            var at = Instant(parts[0]) ?? throw ApiException.Invalid("datetime", "must be an RFC 3339 time or an interval start/end");
            return (at, End(parts[0]));
        }
        if (parts.Length != 2 || (parts[0] is "" or ".." && parts[1] is "" or ".."))
            throw ApiException.Invalid("datetime", "must be an RFC 3339 time or an interval start/end with at most one open end");
        var (from, to) = (Instant(parts[0]), End(parts[1]));
        if (from > to)
            throw ApiException.Invalid("datetime", "must not start after it ends");
        return (from, to);
    }

    private static IReadOnlyList<string> List(string name, string text)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0)
            throw ApiException.Missing(name);
        if (items.Length > 1000)
            throw ApiException.Invalid(name, "must list at most 1000 ids");
        // Every id of this API (a picture's, a sequence's) has the key shape; another is malformed, not merely unknown,
        // as /api/collections/{id} and /v2 say for the same text (CONTRACT.md §3, bad key shape).
        if (!items.All(Storage.RandomKey.IsKeyShaped))
            throw ApiException.Invalid(name, "must list keys of 22 characters of A-Z, a-z, 0-9, '_' and '-', as this API gives them");
        return items;
    }

    private static Cql2 Filter(string text, string? language) => FilterLanguage(language ?? "cql2-text") switch
    {
        "cql2-json" => Cql2.ParseJson(ParseJson(text)),
        _ => Cql2.ParseText(text),
    };

    private static string FilterLanguage(string language) =>
        language is "cql2-text" or "cql2-json" ? language : throw ApiException.Invalid("filter-lang", "must be cql2-text or cql2-json");

    private static JsonElement ParseJson(string text) =>
        RequestBody.ParseJson(text, () => ApiException.Invalid("filter", "must be CQL2-JSON when filter-lang is cql2-json"));

    private static PlaceFilter Place(string position, string? distance, string? tolerance)
    {
        var point = Numbers("place_position", position);
        if (point.Length != 2 || point[0] is < -180 or > 180 || point[1] is < -90 or > 90)
            throw ApiException.Invalid("place_position", "must be longitude,latitude");
        var (min, max) = (3.0, 15.0);
        if (distance is not null)
        {
            var range = distance.Split('-');
            if (range.Length != 2)
                throw ApiException.Invalid("place_distance", "must be a range of metres min-max, such as 3-15");
            min = Parameters.Double("place_distance", range[0], 0, 1000)!.Value;
            max = Parameters.Double("place_distance", range[1], 0, 1000)!.Value;
            if (min > max)
                throw ApiException.Invalid("place_distance", "must not have its minimum above its maximum");
        }
        var fov = Parameters.Double("place_fov_tolerance", tolerance, 2, 180) ?? 30;
        return new PlaceFilter(point[0], point[1], min, max, fov);
    }

    private static ItemOrder Order(string? sortby, bool hasPlace)
    {
        if (sortby is null)
            return hasPlace ? ItemOrder.Nearest : ItemOrder.NewestFirst;
        var first = sortby.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var descending = first.StartsWith('-');
        var field = first.TrimStart('+', '-', ' ');
        if (field.StartsWith("properties.", StringComparison.Ordinal))
            field = field["properties.".Length..];
        return field switch
        {
            "datetime" or "ts" => descending ? ItemOrder.NewestFirst : ItemOrder.OldestFirst,
            "id" => descending ? ItemOrder.KeyDescending : ItemOrder.KeyAscending,
            "distance_to" when hasPlace => ItemOrder.Nearest,
            _ => throw ApiException.Invalid("sortby", "must sort by datetime or id, with + (ascending) or - (descending)"),
        };
    }
}
