using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sightline.Client;

namespace Sightline.Tests.Client;

/// <summary>
/// The SDK against the server's own OpenAPI document: every /v2 operation the server serves (path and method) has an SDK
/// method that names it with <see cref="SightlineRouteAttribute"/>, so a new server operation fails here until the SDK has it.
/// </summary>
public sealed partial class ClientCoverageTests(SdkWorld world) : IClassFixture<SdkWorld>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    /// <summary>
    /// Operations the SDK already calls that other branches are adding to the server; once served, they are simply covered.
    /// Remove an entry when the server serves it, so that a method the server has dropped is noticed.
    /// </summary>
    private static readonly string[] AwaitingServer = [];

    private static string Key(string method, string route) => $"{method.ToUpperInvariant()} {ParameterName().Replace(route, "{}")}";

    private static IReadOnlyList<SightlineRouteAttribute> Declared() =>
        typeof(SightlineClient).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .SelectMany(m => m.GetCustomAttributes<SightlineRouteAttribute>()).ToList();

    private async Task<HashSet<string>> ServedAsync()
    {
        using var response = await world.Server.Http.GetAsync("/openapi/v2.json");
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var served = new HashSet<string>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/v2/", StringComparison.Ordinal)))
            foreach (var operation in path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)))
                served.Add(Key(operation.Name, path.Name));
        return served;
    }

    [Fact]
    public async Task EveryServedV2OperationHasAnSdkMethod()
    {
        var served = await ServedAsync();
        var declared = Declared().Select(r => Key(r.Method, r.Route)).ToHashSet();

        var missing = served.Except(declared).Order(StringComparer.Ordinal).ToList();

        Assert.True(served.Count > 50, $"the document lists only {served.Count} /v2 operations");
        Assert.True(missing.Count == 0, "The server serves operations the SDK lacks: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task EverySdkRouteIsServed()
    {
        var served = await ServedAsync();

        var unknown = Declared().Where(r => r.Route.StartsWith("/v2/", StringComparison.Ordinal))
            .Select(r => Key(r.Method, r.Route)).Distinct()
            .Where(k => !served.Contains(k) && !AwaitingServer.Contains(k)).Order(StringComparer.Ordinal).ToList();

        Assert.True(unknown.Count == 0, "The SDK names operations the server does not serve: " + string.Join(", ", unknown));
    }

    [Fact]
    public void EveryRouteIsDeclaredOnceAndAliasesPointAtADeclaredRoute()
    {
        var declared = Declared();
        var primary = declared.Where(r => r.AliasOf is null).Select(r => r.Route).ToHashSet();

        Assert.Equal(declared.Count, declared.Select(r => Key(r.Method, r.Route)).Distinct().Count());
        Assert.All(declared.Where(r => r.AliasOf is not null), r => Assert.Contains(r.AliasOf!, primary));
        Assert.All(declared, r => Assert.Contains(r.Method, new[] { "GET", "PUT", "POST", "DELETE" }));
    }

    [Fact]
    public void EveryPublicAsyncCallTakesACancellationToken()
    {
        var calls = typeof(SightlineClient).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name.EndsWith("Async", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(calls);
        Assert.All(calls, m => Assert.Equal(typeof(CancellationToken), m.GetParameters()[^1].ParameterType));
    }

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex ParameterName();
}
