using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Sightline.Stac;
using Sightline.Tests.Infrastructure;
using Sightline.Tests.OpenApi;

namespace Sightline.Tests.Stac;

/// <summary>
/// /openapi/stac.json, the STAC landing page's service-desc: served in the media type its link names to a client that asks
/// for it, covering every /api route, declaring the contract's failures, and every declared query parameter read by the server.
/// </summary>
public sealed class StacOpenApiTests(OpenApiDocumentServer fixture) : IClassFixture<OpenApiDocumentServer>
{
    private static readonly string[] Methods = ["get", "post", "put", "delete"];

    private async Task<(HttpResponseMessage Response, JsonElement Document)> FetchAsync(string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/stac.json");
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await fixture.Server.Http.SendAsync(request);
        return (response, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task TheServiceDescLinksTypeIsTheTypeServed()
    {
        var landing = JsonDocument.Parse(await fixture.Server.Http.GetStringAsync("/api")).RootElement;
        var link = landing.GetProperty("links").EnumerateArray().Single(l => l.GetProperty("rel").GetString() == "service-desc");
        var type = link.GetProperty("type").GetString()!;
        Assert.EndsWith("/openapi/stac.json", link.GetProperty("href").GetString());

        // As STAC clients follow it (stac-api-validator sends the link's type in Accept and compares the answer's).
        var (asked, document) = await FetchAsync(type);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal(type.Split(';')[0], asked.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString());
        // A browser or a plain client still reads JSON.
        var (plain, _) = await FetchAsync("text/html,application/xhtml+xml,*/*;q=0.8");
        Assert.Equal("application/json", plain.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task EveryApiRouteIsDescribedWithTheContractsFailures()
    {
        var (_, document) = await FetchAsync();
        var mapped = fixture.Endpoints
            .Where(e => e.RoutePattern.RawText is { } raw && raw.TrimStart('/').Split('/')[0] == "api")
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Where(o => !o.StartsWith("HEAD ", StringComparison.Ordinal) && !o.StartsWith("OPTIONS ", StringComparison.Ordinal))
            .ToHashSet();
        var operations = Operations(document).ToList();
        Assert.True(mapped.Count > 15, $"only {mapped.Count} /api routes found");
        Assert.Equal(mapped.Order(), operations.Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").Order());
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("Error", out _));
        foreach (var (path, method, operation) in operations)
        {
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "400", "404", "429", "500" })
                Assert.True(responses.TryGetProperty(status, out _), $"{method} {path} lacks {status}");
            Assert.All(responses.EnumerateObject(), r => Assert.Contains(int.Parse(r.Name), ContractAssert.AllowedStatuses));
        }
        var search = Operation(document, "get", "/api/search").GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("bbox", search);
        Assert.Contains("filter", search);
        var limit = Operation(document, "get", "/api/search").GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit");
        Assert.Equal("integer", limit.GetProperty("schema").GetProperty("type").GetString());
        Assert.Contains("bbox", Operation(document, "post", "/api/search").GetProperty("requestBody").GetRawText());
        Assert.Contains("picture_id", Operation(document, "post", "/api/reports").GetProperty("requestBody").GetRawText());
    }

    [Fact]
    public async Task EveryDeclaredQueryParameterIsReadByTheServer()
    {
        var (_, document) = await FetchAsync();
        var table = StacOpenApi.Parameters(new StacOptions());
        var checkedCount = 0;
        // Paths without a path parameter: this server holds no sequence for /api/collections/{id}/items to answer with.
        foreach (var (path, method, operation) in Operations(document).Where(o => !o.Path.Contains('{')))
        {
            if (!operation.TryGetProperty("parameters", out var parameters))
                continue;
            foreach (var parameter in parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query"))
            {
                var name = parameter.GetProperty("name").GetString()!;
                var declared = table[$"{method.ToUpperInvariant()} {path}"].Single(p => p.Name == name);
                // Alone, with what it needs beside it (the required q; the place a distance is measured from).
                var with = new Dictionary<string, string> { [name] = Text(parameter.GetProperty("example")) };
                if (path == "/api/users/search" && name != "q")
                    with["q"] = "de";
                if (name.StartsWith("place_", StringComparison.Ordinal) && name != "place_position")
                    with["place_position"] = "3.7218,51.0541";
                var (status, body) = await GetAsync(path, with);
                Assert.True(status == HttpStatusCode.OK, $"{path}: the example {name}={with[name]} was refused: {(int)status} {body}");
                if (declared.Invalid is not { } invalid)
                    continue;
                with[name] = invalid;
                (status, body) = await GetAsync(path, with);
                Assert.True(status == HttpStatusCode.BadRequest && body.Contains("parameter_invalid") && body.Contains(name, StringComparison.Ordinal),
                    $"{path}: {name}={invalid} was not refused by name: {(int)status} {body}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount >= 12, $"only {checkedCount} parameters were checked");
    }

    private async Task<(HttpStatusCode, string)> GetAsync(string path, IReadOnlyDictionary<string, string> query)
    {
        using var response = await fixture.Server.Http.GetAsync(path + "?" + string.Join("&", query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}")));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Text(JsonElement example) => example.ValueKind == JsonValueKind.String ? example.GetString()! : example.GetRawText();

    private static JsonElement Operation(JsonElement document, string method, string path) => document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)).Select(m => (p.Name, m.Name, m.Value)));
}
