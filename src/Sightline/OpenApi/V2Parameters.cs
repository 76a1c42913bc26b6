using System.Text.Json.Nodes;
using Sightline.Detections;
using Sightline.Feeds;
using Sightline.Search;

namespace Sightline.OpenApi;

/// <summary>
/// The query parameters of every v2 operation, declared once from the spec's parameter groups (§3.7: F filters, B box,
/// C circle, P paging, O object recognition) and the server's own limits, so the document states them with types,
/// ranges and defaults rather than in prose. Handlers read them through <see cref="SearchParameters"/> and
/// <see cref="Contract.Parameters"/>; the document tests send each one to prove the server reads it.
/// </summary>
public static class V2Parameters
{
    private const string KeyPattern = "^[A-Za-z0-9_-]{22}$";

    private static QueryParameter Time(string name, string what, long example) =>
        new(name, "integer", $"Captured {what} this time, in milliseconds since the Unix epoch (UTC).")
        { Format = "int64", Minimum = 0, Example = example, Invalid = "yesterday" };

    private static QueryParameter Flag(string name, string what) =>
        new(name, "boolean", what + " Needs a user token. true/false or 1/0.") { Example = false, Invalid = "maybe", Default = false };

    private static QueryParameter Degrees(string name, double min, double max, string what, double example) =>
        new(name, "number", what) { Format = "double", Minimum = min, Maximum = max, Example = example, Invalid = (max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };

    /// <summary>F: who and when.</summary>
    public static readonly IReadOnlyList<QueryParameter> Filters =
    [
        // Taken together, the examples are a range that holds the demo's photos (May 2024).
        Time("start_time", "at or after", 1714521600000),
        Time("end_time", "at or before", 1717200000000),
        new("project", "string", "Only this project's images (needs private:read and membership); without it, public images outside projects.")
            { Pattern = "^[A-Za-z0-9_-]{1,64}$", Example = "survey", Invalid = "Not A Key!" },
        Flag("hidden", "Include the caller's own hidden images."),
        Flag("me", "Only the token owner's images."),
        new("user", "string", "Only this username's images.") { Pattern = "^[A-Za-z0-9_-]{2,32}$", Example = "demo", Invalid = "no spaces allowed" },
    ];

    /// <summary>The parameters of <paramref name="group"/>, each sent only with all the others.</summary>
    private static IReadOnlyList<QueryParameter> AllOrNone(params QueryParameter[] group) =>
        [.. group.Select(p => p with { With = group.Where(o => o.Name != p.Name).Select(o => o.Name).ToList() })];

    /// <summary>B: the box (all four or none).</summary>
    public static readonly IReadOnlyList<QueryParameter> Box = AllOrNone(
        Degrees("min_lat", -90, 90, "South edge of the box, degrees.", 51.05),
        Degrees("max_lat", -90, 90, "North edge of the box, degrees.", 51.06),
        Degrees("min_lon", -180, 180, "West edge of the box, degrees.", 3.715),
        Degrees("max_lon", -180, 180, "East edge of the box, degrees.", 3.726));

    /// <summary>C: the circle.</summary>
    public static IReadOnlyList<QueryParameter> Circle(SearchOptions limits) =>
    [
        Degrees("lat", -90, 90, "Latitude of the centre, degrees.", 51.0541).AsRequired(),
        Degrees("lon", -180, 180, "Longitude of the centre, degrees.", 3.7218).AsRequired(),
        new("distance", "number", $"Radius in metres, default {limits.DefaultRadiusMeters}; one above {limits.MaxRadiusMeters} is served at {limits.MaxRadiusMeters}.")
            { Minimum = 0, Default = limits.DefaultRadiusMeters, Example = 50, Invalid = "-1" },
        .. AllOrNone(
            Degrees("min_ca", 0, 360, "Lowest camera angle, degrees (a minimum above the maximum wraps through north).", 0),
            Degrees("max_ca", 0, 360, "Highest camera angle, degrees.", 90)),
    ];

    /// <summary>P: paging.</summary>
    public static IReadOnlyList<QueryParameter> Paging(int defaultLimit, int maxLimit, bool paged = true) =>
    [
        new QueryParameter("limit", "integer", "") { Minimum = 1, Example = Math.Min(10, maxLimit), Invalid = "0", Format = "int32" }.WithPaging(defaultLimit, maxLimit),
        .. paged ? new[] { new QueryParameter("page", "integer", "Page number, from 0.") { Minimum = 0, Default = 0, Example = 0, Invalid = "-1", Format = "int32" } } : [],
    ];

    /// <summary>O: which detections.</summary>
    public static IReadOnlyList<QueryParameter> Recognition(DetectionCatalogue catalogue) =>
    [
        new("or_package", "string", "Only this detector package; the 1.0 names of the original documentation stand for the current package of their region. Default: every package.")
            { Enum = catalogue.AcceptedNames.ToList(), Example = "trafficsign_eu_6.0", Invalid = "trafficsign_xx_9.0" },
        new("or_classes[]", "string", "Class name prefixes, repeatable (or_classes[]=a&or_classes[]=b): a category prefix matches every class in it.")
            { Repeatable = true, Example = "prohibitory--", MaxLength = DetectionFilter.MaxPrefixLength, Invalid = new string('x', DetectionFilter.MaxPrefixLength + 1) },
        new("min_score", "number", "Lowest score to return, compared numerically (scores are decimal strings and may exceed 1).")
            { Example = 1.5, Invalid = "high" },
    ];

    /// <summary>The fields of the write bodies that are declared, by method and route pattern as the document lists them.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<QueryParameter>> Bodies =
        new Dictionary<string, IReadOnlyList<QueryParameter>>(StringComparer.Ordinal)
        {
            ["PUT /v2/s/{key}/project"] =
            [
                new(Projects.ProjectsApi.ProjectField, "string",
                    "The project to move the sequence into (the caller must be a member); null or \"\" makes the sequence public.")
                    { Required = true, Nullable = true, Pattern = "^([A-Za-z0-9_-]{1,64})?$", Example = "survey", Invalid = "Not A Key!" },
            ],
            ["POST /v2/im/{key}/cm"] =
            [
                new("cm", "string", "The comment, plain text (shown exactly as sent, never as markup).")
                    { Required = true, MaxLength = Comments.CommentsApi.MaxLength, Example = "The sign at the corner is new." },
            ],
            ["POST /v2/im/{key}/complain"] =
            [
                new("cm", "string", "What is wrong with the image, plain text, for the administrators.")
                    { Required = true, MaxLength = Complaints.ComplaintsApi.MaxLength, Example = "A face is not blurred." },
            ],
        };

    /// <summary>The query parameters of each operation, by method and route pattern as the document lists them.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<QueryParameter>> ByOperation(SearchOptions limits, DetectionCatalogue catalogue)
    {
        var page = Paging(limits.DefaultLimit, limits.MaxLimit);
        IReadOnlyList<QueryParameter> box = [.. Filters, .. Box, .. page];
        IReadOnlyList<QueryParameter> close = [.. Filters, .. Circle(limits), .. page];
        IReadOnlyList<QueryParameter> recognized = [.. Filters, .. Box, .. Recognition(catalogue), .. page];
        IReadOnlyList<QueryParameter> feed =
        [
            new("version", "integer", "Only events of this version or lower.") { Format = "int64", Minimum = 0, Example = 1, Invalid = "newest" },
            .. Paging(FeedsApi.DefaultLimit, FeedsApi.MaxLimit),
        ];
        IReadOnlyList<QueryParameter> toplist =
        [
            new("cname", "string", "A country's English name in lower case; the whole world when absent.") { Example = "belgium", Invalid = "atlantis" },
            .. Paging(10, Stats.StatsApi.MaxLimit, paged: false),
        ];
        var point = AllOrNone(
            Degrees("lat", -90, 90, "Latitude of the point to be close to.", 51.0541),
            Degrees("lon", -180, 180, "Longitude of the point to be close to.", 3.7218));
        IReadOnlyList<QueryParameter> upload =
        [
            Degrees("lat", -90, 90, "Latitude, overriding or filling in the EXIF GPS position.", 51.0541),
            Degrees("lon", -180, 180, "Longitude, overriding or filling in the EXIF GPS position.", 3.7218),
            new("ca", "number", "Camera compass angle in degrees, overriding the EXIF direction.") { Minimum = 0, Maximum = 360, Example = 90, Invalid = "360" },
            new("captured_at", "integer", "Capture time in epoch milliseconds, overriding or filling in DateTimeOriginal.") { Format = "int64", Minimum = 0, Example = 1714809600000, Invalid = "noon" },
            new("project", "string", "Upload privately into this project (needs private:upload).") { Pattern = "^[A-Za-z0-9_-]{1,64}$", Example = "survey", Invalid = "Not A Key!" },
            new("images_policy", "string", "Instead of a token: the signed policy from /v2/me/uploads/secrets (public uploads only).") { Example = "eyJleHAiOjF9" },
            new("images_hash", "string", "The policy's signature, with images_policy.") { Example = "p0Qm1c8X" },
        ];

        return new Dictionary<string, IReadOnlyList<QueryParameter>>(StringComparer.Ordinal)
        {
            ["GET /v2/search/im"] = box,
            ["GET /v2/search/im/geojson"] = box,
            ["GET /v2/search/im/close"] = close,
            ["GET /v2/search/im/geojson/close"] = close,
            ["GET /v2/search/im/close2"] = [.. Filters, .. Circle(limits)],
            ["GET /v2/search/im/geojson/randomimage"] = [.. Filters, .. Box],
            ["GET /v2/search/im/s/{key}"] = point,
            ["GET /v2/nav/im/{key}"] = Filters,
            ["GET /v2/nav/h/{geohash}"] = Filters,
            ["GET /v2/search/s"] = box,
            ["GET /v2/search/s/geojson"] = box,
            ["GET /v2/search/s/ul"] = box,
            ["GET /v2/search/im/b"] = box,
            ["GET /v2/search/im/cm"] = box,
            ["GET /v2/search/im/geojson/b"] = box,
            ["GET /v2/search/im/geojson/cm"] = box,
            ["GET /v2/search/im/or"] = recognized,
            ["GET /v2/search/im/geojson/or"] = recognized,
            ["GET /v2/search/b"] = Paging(Blurs.BlurSearchApi.DefaultLimit, Blurs.BlurSearchApi.MaxLimit),
            ["GET /v2/search/u"] =
            [
                new QueryParameter("match", "string", "Case-insensitive prefix of the usernames wanted.") { Required = true, MaxLength = 64, Example = "de", Invalid = new string('a', 65) },
                .. Paging(UserSearchApi.DefaultLimit, UserSearchApi.MaxLimit, paged: false),
            ],
            ["GET /v2/search/im/w3w"] =
            [
                new QueryParameter("string", "string", "A what3words address: three words joined by dots.")
                    { Required = true, MaxLength = What3WordsSearchApi.MaxLength, Example = "index.home.raft", Invalid = "index.home" },
            ],
            ["GET /v2/me/feed"] = feed,
            ["GET /v2/u/{user}/feed"] = feed,
            ["GET /v2/stats/toplist"] = toplist,
            ["GET /v2/stats/im/toplist"] = toplist,
            ["GET /v2/complaints"] =
            [
                new QueryParameter("state", "string", "Which complaints.") { Enum = ["open", "upheld", "dismissed", "all"], Default = "open", Example = "open", Invalid = "pending" },
                .. Paging(100, Complaints.ComplaintsApi.MaxPage),
            ],
            ["POST /v2/complaints/{key}"] =
            [
                new QueryParameter("decision", "string", "What the moderator decided.") { Required = true, Enum = ["uphold", "dismiss"], Example = "dismiss", Invalid = "maybe" },
            ],
            ["POST /v2/me/uploads/images/{key}"] = upload,
            ["GET /v2/me/uploads/images/{key}"] =
            [
                new QueryParameter("project", "string", "Is the upload there in this project? A photo elsewhere (or public) is parameter_invalid.")
                    { Pattern = "^[A-Za-z0-9_-]{1,64}$", Example = "survey", Invalid = "Not A Key!" },
            ],
        };
    }
}
