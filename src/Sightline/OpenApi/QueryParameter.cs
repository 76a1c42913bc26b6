using System.Text.Json.Nodes;

namespace Sightline.OpenApi;

/// <summary>
/// One query parameter of the v2 API as the server reads it: its JSON Schema type and range, default and an example
/// that the server accepts. <see cref="Invalid"/> is a value the server refuses as <c>parameter_invalid</c>, which the
/// document tests use to prove the server reads the parameter at all. The fields of the small write bodies are declared
/// the same way (<see cref="V2Parameters.Bodies"/>).
/// </summary>
public sealed record QueryParameter(string Name, string Type, string Description)
{
    public bool Required { get; init; }
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    public JsonNode? Default { get; init; }
    public required JsonNode Example { get; init; }
    public string? Invalid { get; init; }
    public IReadOnlyList<string>? Enum { get; init; }
    public string? Format { get; init; }
    public string? Pattern { get; init; }
    public int? MaxLength { get; init; }
    /// <summary>Repeatable as <c>name=a&amp;name=b</c> (an array in the document).</summary>
    public bool Repeatable { get; init; }
    /// <summary>A body field whose null (or empty) value means something, e.g. "no project".</summary>
    public bool Nullable { get; init; }
    /// <summary>
    /// The parameters this one is only read with (the box's four edges, an angle range's two ends): sent without one of
    /// them, the call is <c>parameter_missing</c> naming it, though neither is required on its own.
    /// </summary>
    public IReadOnlyList<string>? With { get; init; }

    /// <summary>Whether leaving this parameter out, or one it goes with, can be <c>parameter_missing</c>.</summary>
    public bool CanBeMissing => Required || With is { Count: > 0 };

    public QueryParameter AsRequired() => this with { Required = true };

    public QueryParameter WithPaging(int defaultLimit, int maxLimit) => Name == "limit"
        ? this with
        {
            Default = defaultLimit,
            Description = $"Page size, default {defaultLimit}. A limit above {maxLimit} is served as {maxLimit}, with more=true when more results remain.",
        }
        : this;
}
