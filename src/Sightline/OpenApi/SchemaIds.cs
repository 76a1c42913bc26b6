using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Sightline.OpenApi;

/// <summary>
/// The component schemas of the OpenAPI documents: one id per wire type, and a property is required only when the server
/// always sends it. The framework names a schema after its C# type alone, so <c>SearchDtos.Image</c> and
/// <c>NavDtos.Image</c> became one component and every answer of one of them was judged by the other's schema.
/// </summary>
public static class SchemaIds
{
    // Which type took an id: a second type asking for the same one fails the document rather than share the first's schema.
    private static readonly ConcurrentDictionary<string, Type> Owners = new(StringComparer.Ordinal);

    /// <summary>Names the schemas and fixes their required lists, for every document of this server.</summary>
    public static void Apply(OpenApiOptions options)
    {
        options.CreateSchemaReferenceId = Of;
        options.AddSchemaTransformer(OptionalWhenOmitted);
    }

    /// <summary>
    /// A wire type nested in a <c>…Dtos</c> or <c>…Api</c> class is named after that class as well
    /// (<c>SearchDtos.Image</c> → <c>SearchImage</c>, <c>SequenceDtos.Summary</c> → <c>SequenceSummary</c>); other types keep
    /// the framework's name. Types the framework writes inline (numbers, strings, lists) get none.
    /// </summary>
    public static string? Of(JsonTypeInfo type)
    {
        if (OpenApiOptions.CreateDefaultSchemaReferenceId(type) is not { } id)
            return null;
        var definition = type.Type.IsGenericType ? type.Type.GetGenericTypeDefinition() : type.Type;
        if (definition.DeclaringType is { } outer && Scope(outer.Name) is { } scope && !id.StartsWith(scope, StringComparison.Ordinal))
            id = scope + id;
        var owner = Owners.GetOrAdd(id, type.Type);
        if (owner != type.Type)
            throw new InvalidOperationException($"The schema id {id} is claimed by {owner.FullName} and {type.Type.FullName}: rename one of them.");
        return id;
    }

    private static string? Scope(string outer)
    {
        foreach (var suffix in new[] { "Dtos", "Api" })
            if (outer.EndsWith(suffix, StringComparison.Ordinal) && outer.Length > suffix.Length)
                return outer[..^suffix.Length];
        return null;
    }

    // A property left out of the body when it is null (JsonIgnore WhenWritingNull, e.g. distance outside close searches, a
    // user's avatar when there is none) is optional: a strict client must not demand it. The type's schema is met either on
    // its own or as the value of another type's property (then JsonPropertyInfo is that property): both are judged.
    private static Task OptionalWhenOmitted(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        if (context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object || schema.Required is not { Count: > 0 } required)
            return Task.CompletedTask;
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            var ignore = property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
                .OfType<JsonIgnoreAttribute>().FirstOrDefault();
            if (ignore?.Condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault)
                required.Remove(property.Name);
        }
        return Task.CompletedTask;
    }
}
