using System.Globalization;
using Sightline.Contract;

namespace Sightline.Detections;

/// <summary>
/// The O parameter group of the detection searches (spec §3.7, §5 items 26-28): <c>or_package</c> (optional: all
/// packages), <c>or_classes[]</c> plain string prefixes of class names (optional: every class), <c>min_score</c>
/// compared numerically. Parsed here so that whichever search serves <c>/v2/search/im/or</c> judges it the same way.
/// </summary>
public sealed record DetectionFilter(string? Package, IReadOnlyList<string> ClassPrefixes, double? MinScore)
{
    public const int MaxPrefixes = 100, MaxPrefixLength = 200;

    public static readonly DetectionFilter Any = new(null, [], null);

    public bool Matches(Detection detection) =>
        (Package is null || detection.Package == Package) &&
        (ClassPrefixes.Count == 0 || ClassPrefixes.Any(p => detection.Type.StartsWith(p, StringComparison.Ordinal))) &&
        (MinScore is not { } min || detection.ScoreValue >= min);

    public static DetectionFilter Parse(IQueryCollection query, DetectionCatalogue catalogue)
    {
        string? package = null;
        var legacy = false;
        if (query["or_package"].FirstOrDefault() is { Length: > 0 } given)
        {
            package = catalogue.Resolve(given)
                ?? throw ApiException.Invalid("or_package", $"must be one of {string.Join(", ", catalogue.AcceptedNames)}");
            legacy = catalogue.IsAlias(given);
        }

        // Repeated as or_classes[]=a&or_classes[]=b; the bare name is accepted too, since clients differ.
        var prefixes = query["or_classes[]"].Concat(query["or_classes"]).Where(p => !string.IsNullOrEmpty(p)).Select(p => p!)
            .SelectMany(p => legacy ? LegacyPrefixes(p) : [p]).Distinct(StringComparer.Ordinal).ToList();
        if (prefixes.Count > MaxPrefixes)
            throw ApiException.Invalid("or_classes[]", $"may be given at most {MaxPrefixes} times");
        if (prefixes.Any(p => p.Length > MaxPrefixLength))
            throw ApiException.Invalid("or_classes[]", $"must be class name prefixes of at most {MaxPrefixLength} characters");

        double? minScore = null;
        if (query["min_score"].FirstOrDefault() is { Length: > 0 } raw)
            minScore = double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw ApiException.Invalid("min_score", "must be a number, such as 1.5");
        return new DetectionFilter(package, prefixes, minScore);
    }

    // Clients of the 1.0 packages name classes in the older underscore scheme (iD's 2015 sign layer asks for
    // or_classes[]=prohibitory_no): category_words becomes category--words, so the prefix matches the current names too.
    private static IEnumerable<string> LegacyPrefixes(string prefix)
    {
        yield return prefix;
        var split = prefix.IndexOf('_');
        if (split > 0 && !prefix.Contains("--", StringComparison.Ordinal))
            yield return prefix[..split] + "--" + prefix[(split + 1)..].Replace('_', '-');
    }
}
