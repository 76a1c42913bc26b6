namespace Sightline.Client;

/// <summary>Names the server operation (HTTP method and route template) an SDK method calls, so coverage can be checked against the server's OpenAPI document.</summary>
/// <param name="method">The HTTP method, e.g. <c>GET</c>.</param>
/// <param name="route">The route template as the server maps it, e.g. <c>/v2/im/{key}</c>.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class SightlineRouteAttribute(string method, string route) : Attribute
{
    /// <summary>The HTTP method.</summary>
    public string Method { get; } = method;

    /// <summary>The route template.</summary>
    public string Route { get; } = route;

    /// <summary>
    /// The route this one is an alias of, when the server serves the same operation at two routes and the method calls the
    /// other one (e.g. <c>/v2/stats/im/toplist</c> for <c>/v2/stats/toplist</c>); null for the route the method calls.
    /// </summary>
    public string? AliasOf { get; init; }
}
