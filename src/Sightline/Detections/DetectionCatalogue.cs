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

    public bool HasClass(string package, string type) => packages.TryGetValue(package, out var classes) && classes.Contains(type);

    public IReadOnlySet<string> ClassesOf(string package) => packages[package];
}
