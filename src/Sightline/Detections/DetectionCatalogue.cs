using System.Text.Json;

namespace Sightline.Detections;

/// <summary>The traffic-sign detector packages and the class names each may report (spec §4.3; shipped as data).</summary>
public sealed class DetectionCatalogue
{
    private readonly Dictionary<string, HashSet<string>> packages = new(StringComparer.Ordinal);

    public DetectionCatalogue()
    {
        using var stream = typeof(DetectionCatalogue).Assembly.GetManifestResourceStream("Sightline.traffic-sign-classes.json")
            ?? throw new InvalidOperationException("the traffic-sign catalogue is not embedded");
        using var document = JsonDocument.Parse(stream);
        foreach (var package in document.RootElement.GetProperty("packages").EnumerateObject())
            packages[package.Name] = package.Value.EnumerateArray().Select(c => c.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<string> Packages => packages.Keys;

    public bool IsPackage(string name) => packages.ContainsKey(name);

    /// <summary>
    /// The package a client means by <paramref name="name"/>: a current package itself, or a name of the 1.0 generation
    /// that the original documentation and its clients use (<c>trafficsign_eu_1.0</c>, <c>trafficsign_us_1.0</c>, spec §5
    /// item 27), which stands for the current package of the same region; null when it names none.
    /// </summary>
    public string? Resolve(string name)
    {
        if (packages.ContainsKey(name))
            return name;
        var parts = name.Split('_');
        if (parts is not [Prefix, { Length: > 0 } region, FirstGeneration])
            return null;
        return packages.Keys.SingleOrDefault(p => p.Split('_') is [_, var r, _] && r == region);
    }

    /// <summary>Whether <paramref name="name"/> is a 1.0-generation alias rather than a current package.</summary>
    public bool IsAlias(string name) => !packages.ContainsKey(name) && Resolve(name) is not null;

    /// <summary>The names a request may use for a package: the current ones, then their 1.0 aliases.</summary>
    public IEnumerable<string> AcceptedNames =>
        packages.Keys.Order(StringComparer.Ordinal).Concat(packages.Keys.Select(p => $"{Prefix}_{p.Split('_')[1]}_{FirstGeneration}").Order(StringComparer.Ordinal));

    private const string Prefix = "trafficsign", FirstGeneration = "1.0";

    public bool HasClass(string package, string type) => packages.TryGetValue(package, out var classes) && classes.Contains(type);

    public IReadOnlySet<string> ClassesOf(string package) => packages[package];
}
