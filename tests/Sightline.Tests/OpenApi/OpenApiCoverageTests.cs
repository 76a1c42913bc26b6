using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Sightline.OpenApi;

namespace Sightline.Tests.OpenApi;

/// <summary>
/// /openapi/v2.json against the running server: every route the v2 document covers (<see cref="V2Document.Covers"/>) is
/// in it and nothing else is, numbers are typed as numbers, every operation declares the catalogue's failures, and every
/// documented query parameter is read by the server (its example is accepted, its invalid value refused by name).
/// </summary>
public sealed class OpenApiCoverageTests(OpenApiDocumentServer fixture) : IClassFixture<OpenApiDocumentServer>
{
    private static readonly string[] Methods = ["get", "post", "put", "delete"];

    [Fact]
    public void EveryCoveredRouteIsDocumentedAndNothingElse()
    {
        var mapped = fixture.Endpoints
            .Where(e => e.RoutePattern.RawText is { } raw && V2Document.Covers(raw))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Where(o => !o.StartsWith("HEAD ", StringComparison.Ordinal) && !o.StartsWith("OPTIONS ", StringComparison.Ordinal))
            .ToHashSet();
        var documented = Operations().Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToHashSet();
        Assert.True(mapped.Count > 50, $"only {mapped.Count} covered routes found");
        Assert.Empty(mapped.Except(documented).Order());
        Assert.Empty(documented.Except(mapped).Order());
        // Routes of other parts of the server stay out of the v2 document by the same rule.
        Assert.DoesNotContain(fixture.Document.GetProperty("paths").EnumerateObject(), p => !V2Document.Covers(p.Name));
    }

    [Fact]
    public void NumbersAreTypedAsNumbersNotAsStrings()
    {
        Assert.DoesNotContain("\"type\":[\"integer\",\"string\"]", Compact(fixture.DocumentText));
        Assert.DoesNotContain("\"type\":[\"number\",\"string\"]", Compact(fixture.DocumentText));
        var image = fixture.Document.GetProperty("components").GetProperty("schemas").GetProperty("ImageSummary").GetProperty("properties");
        Assert.Equal("number", image.GetProperty("lat").GetProperty("type").GetString());
        Assert.Equal("integer", image.GetProperty("captured_at").GetProperty("type").GetString());
    }

    [Fact]
    public void EveryOperationDeclaresTheCatalogueFailuresAndItsSecurity()
    {
        var schemes = fixture.Document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("apiKey", schemes.GetProperty("client_id").GetProperty("type").GetString());
        var flows = schemes.GetProperty("oauth2").GetProperty("flows");
        Assert.Equal("/connect", flows.GetProperty("authorizationCode").GetProperty("authorizationUrl").GetString());
        Assert.Equal("/v2/oauth/token", flows.GetProperty("authorizationCode").GetProperty("tokenUrl").GetString());
        Assert.True(flows.TryGetProperty("implicit", out _));

        foreach (var (path, method, operation) in Operations())
        {
            var responses = operation.GetProperty("responses");
            foreach (var status in new[] { "400", "401", "404", "429", "500" })
            {
                Assert.True(responses.TryGetProperty(status, out var response), $"{method} {path} lacks {status}");
                var codes = response.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("allOf")[1]
                    .GetProperty("properties").GetProperty("code").GetProperty("enum").EnumerateArray().Select(c => c.GetString()!).ToList();
                Assert.All(codes, code => Assert.Equal(int.Parse(status), Infrastructure.ContractAssert.Catalogue[code]));
            }
            Assert.True(operation.TryGetProperty("security", out _), $"{method} {path} has no security");
            Assert.All(responses.EnumerateObject(), r => Assert.Contains(int.Parse(r.Name), Infrastructure.ContractAssert.AllowedStatuses));
        }
        var search = Operation("get", "/v2/search/im");
        Assert.Contains("client_id_missing", search.GetProperty("responses").GetProperty("401").GetRawText());
        var me = Operation("get", "/v2/me");
        Assert.Contains("user:read", me.GetProperty("security").GetRawText());
        // The token and revocation endpoints answer a request without any client_id with client_id_missing.
        foreach (var oauth in new[] { "/v2/oauth/token", "/v2/oauth/revoke" })
            Assert.Contains("client_id_missing", Operation("post", oauth).GetProperty("responses").GetProperty("401").GetRawText());
    }

    [Fact]
    public async Task EveryOperationNeedsATokenExactlyWhenItsSecuritySaysSo()
    {
        // A generated client sends a token where the document asks for one in every alternative, and only there: an operation
        // whose scope its handler judges (a public or a private image, an upload with or without project=) must still say so.
        var checkedCount = 0;
        foreach (var (path, method, operation) in Operations())
        {
            var alternatives = operation.GetProperty("security").EnumerateArray().ToList();
            var needsToken = alternatives.Count > 0 && alternatives.All(a => a.TryGetProperty("oauth2", out _));
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), PathWithExamples(path) + "?client_id=" + fixture.ClientId);
            if (method is "post" or "put")
                request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var response = await fixture.Server.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var refused = response.StatusCode == HttpStatusCode.Unauthorized && body.Contains("\"user_not_authenticated\"");
            Assert.True(needsToken == refused, $"{method} {path}: security {(needsToken ? "needs" : "does not need")} a token, the server answered {(int)response.StatusCode} {body}");
            checkedCount++;
        }
        Assert.True(checkedCount > 50, $"only {checkedCount} operations were checked");
    }

    [Fact]
    public async Task EveryResponseDeclaresTheHeadersTheServerSends()
    {
        // Each operation called without any credentials: its 401 carries the challenge its document declares (Basic where
        // the client authenticates itself, Bearer elsewhere); called with the client_id, the answer (whatever its status)
        // carries the RateLimit fields that every declared response names.
        var checkedCount = 0;
        foreach (var (path, method, operation) in Operations())
        {
            var responses = operation.GetProperty("responses");
            Assert.All(responses.EnumerateObject(), r =>
            {
                Assert.True(r.Value.TryGetProperty("headers", out var headers) && headers.TryGetProperty("RateLimit", out _) &&
                            headers.TryGetProperty("RateLimit-Policy", out _), $"{method} {path} {r.Name} does not declare the RateLimit fields");
            });
            var declared = responses.GetProperty("401").GetProperty("headers").GetProperty("WWW-Authenticate");
            Assert.True(declared.GetProperty("required").GetBoolean());
            var scheme = declared.GetProperty("example").GetString()!.Split(' ')[0];

            using (var anonymous = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), PathWithExamples(path)))
            {
                if (method is "post" or "put")
                    anonymous.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                using var answer = await fixture.Server.Http.SendAsync(anonymous);
                if (answer.StatusCode == HttpStatusCode.Unauthorized)
                {
                    var challenge = answer.Headers.WwwAuthenticate.Single();
                    Assert.True(challenge.Scheme == scheme, $"{method} {path}: the 401 challenges with {challenge}, the document declares {scheme}");
                    checkedCount++;
                }
            }
            using (var named = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), PathWithExamples(path) + "?client_id=" + fixture.ClientId))
            {
                if (method is "post" or "put")
                    named.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                using var answer = await fixture.Server.Http.SendAsync(named);
                Assert.True(answer.Headers.Contains("RateLimit") && answer.Headers.Contains("RateLimit-Policy"),
                    $"{method} {path} answered {(int)answer.StatusCode} without the RateLimit fields");
            }
        }
        Assert.True(checkedCount > 40, $"only {checkedCount} challenges were checked");
    }

    [Fact]
    public async Task EveryDocumentedQueryParameterIsReadByTheServer()
    {
        var checkedCount = 0;
        foreach (var (path, method, operation) in Operations())
        {
            var parameters = operation.TryGetProperty("parameters", out var list)
                ? list.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").ToList()
                : [];
            var examples = parameters.ToDictionary(p => p.GetProperty("name").GetString()!, p => Text(p.GetProperty("example")));
            foreach (var parameter in parameters)
            {
                var name = parameter.GetProperty("name").GetString()!;
                var (status, body) = await CallAsync(method, path, examples, operation);
                Assert.False(status == HttpStatusCode.BadRequest && Names(body, name), $"{method} {path}: the example {name}={examples[name]} was refused: {body}");

                if (Invalid(path, name) is not { } invalid)
                    continue;
                (status, body) = await CallAsync(method, path, new Dictionary<string, string>(examples) { [name] = invalid }, operation);
                Assert.True(status == HttpStatusCode.BadRequest && body.Contains("parameter_invalid") && Names(body, name),
                    $"{method} {path}: {name}={invalid} was not refused by name: {(int)status} {body}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 150, $"only {checkedCount} parameters were checked");
    }

    [Fact]
    public async Task EveryDocumentedBodyFieldIsReadByTheServer()
    {
        var checkedCount = 0;
        foreach (var (path, method, operation) in Operations())
        {
            // The JSON bodies; files and OAuth forms are the upload's, the avatar's and the OAuth tests' business.
            if (!operation.TryGetProperty("requestBody", out var body) || !body.GetProperty("content").TryGetProperty("application/json", out var json))
                continue;
            var example = json.GetProperty("example").GetRawText();
            var (status, answer) = await SendBodyAsync(method, path, example);
            Assert.False(status == HttpStatusCode.BadRequest, $"{method} {path}: the example body {example} was refused: {answer}");
            var schema = json.GetProperty("schema");
            foreach (var required in schema.GetProperty("required").EnumerateArray().Select(r => r.GetString()!))
            {
                (status, answer) = await SendBodyAsync(method, path, "{}");
                Assert.True(status == HttpStatusCode.BadRequest && answer.Contains("parameter_missing") && Names(answer, required),
                    $"{method} {path}: a body without {required} was not refused by name: {(int)status} {answer}");
                checkedCount++;
            }
            foreach (var field in schema.GetProperty("properties").EnumerateObject())
            {
                if (!field.Value.TryGetProperty("maxLength", out var max))
                    continue;
                var tooLong = JsonSerializer.Serialize(new Dictionary<string, string> { [field.Name] = new string('x', max.GetInt32() + 1) });
                (status, answer) = await SendBodyAsync(method, path, tooLong);
                Assert.True(status == HttpStatusCode.BadRequest && answer.Contains("parameter_invalid") && Names(answer, field.Name),
                    $"{method} {path}: {field.Name} over its maxLength was not refused by name: {(int)status} {answer}");
            }
        }
        Assert.True(checkedCount >= 3, $"only {checkedCount} body fields were checked");
    }

    private async Task<(HttpStatusCode Status, string Body)> SendBodyAsync(string method, string path, string json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), PathWithExamples(path) + "?client_id=" + fixture.ClientId)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token);
        using var response = await fixture.Server.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // The values the table declares as refused; the document shows only the accepted range, the table knows both.
    private string? Invalid(string path, string name)
    {
        var table = V2Parameters.ByOperation(new Sightline.Search.SearchOptions(), new Sightline.Detections.DetectionCatalogue());
        return table.Where(e => e.Key.EndsWith(" " + path, StringComparison.Ordinal)).SelectMany(e => e.Value).FirstOrDefault(p => p.Name == name)?.Invalid;
    }

    private static bool Names(string body, string name) =>
        JsonDocument.Parse(body).RootElement.TryGetProperty("message", out var message) && message.GetString()!.Contains(name, StringComparison.Ordinal);

    private async Task<(HttpStatusCode Status, string Body)> CallAsync(string method, string path, IReadOnlyDictionary<string, string> query,
        JsonElement? operation = null)
    {
        var url = PathWithExamples(path) + "?client_id=" + fixture.ClientId +
                  string.Concat(query.Select(q => $"&{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value)}"));
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
        // A POST or PUT gets a one-byte body (of the declared type, if any): no body at all would be the missing
        // parameter, which the contract judges before any invalid query parameter (CONTRACT.md §4).
        if (method is "post" or "put")
        {
            request.Content = new ByteArrayContent([0x20]);
            if (operation is { } op && op.TryGetProperty("requestBody", out var requestBody) &&
                requestBody.GetProperty("content").EnumerateObject().FirstOrDefault().Name is { } mediaType)
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Token);
        using var response = await fixture.Server.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // Well-formed path values, so the parameters are judged (objects come last in the contract's order).
    private static string PathWithExamples(string path) => path
        .Replace("/v2/me/uploads/images/{key}", "/v2/me/uploads/images/" + new string('a', 64))
        .Replace("{key}", "k3Jd9aQpZ0xW1vB7nT4e2A").Replace("{user}", "demo").Replace("{package}", "trafficsign_eu_6.0")
        .Replace("{size}", "320").Replace("{z}", "1").Replace("{x}", "0").Replace("{y}", "0").Replace("{id}", "9c04e1b7aa31f05d2e6b8c42").Replace("{geohash}", "u14dhqd");

    private static string Text(JsonElement example) => example.ValueKind switch
    {
        JsonValueKind.Array => Text(example[0]),
        JsonValueKind.String => example.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => example.GetRawText(),
    };

    private JsonElement Operation(string method, string path) => fixture.Document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        fixture.Document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(m => Methods.Contains(m.Name)).Select(m => (p.Name, m.Name, m.Value)));

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
