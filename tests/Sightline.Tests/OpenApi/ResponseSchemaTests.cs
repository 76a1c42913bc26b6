using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OpenApi;

/// <summary>
/// Real answers judged by the media types and schemas the served documents declare for them (what schemathesis'
/// response_schema_conformance and Dredd do): the v2 searches, a sequence and its GeoJSON, an image's GeoJSON, the navigation
/// cell, the user search, the missing-parameter 400s, the files, and the STAC API's answers, over a server holding one
/// uploader's sequence of three photos; and the request bodies the server reads, declared with their media types.
/// </summary>
public sealed class ResponseSchemaTests(ResponseSchemaTests.Fixture fixture) : IClassFixture<ResponseSchemaTests.Fixture>
{
    private const double Lat = 51.0541, Lon = 3.7218;
    private const string Box = "min_lat=51.05&max_lat=51.06&min_lon=3.71&max_lon=3.73";

    public sealed class Fixture : IAsyncLifetime
    {
        public TestServer Server { get; private set; } = null!;
        public Uploader Walker { get; private set; } = null!;
        public IReadOnlyList<string> Images { get; private set; } = [];
        public string Sequence { get; private set; } = null!;
        public EvaluationOptions Options { get; private set; } = null!;
        /// <summary>The served documents by name (v2, stac), each registered at <see cref="DocumentUri"/>.</summary>
        public Dictionary<string, JsonNode> Documents { get; } = new(StringComparer.Ordinal);

        public async Task InitializeAsync()
        {
            Server = await TestServer.StartAsync();
            Walker = await Uploader.CreateAsync(Server, "schemawalker", "public:upload public:write");
            var images = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var image = await Walker.UploadProcessedAsync($"schema-{i}", Photos.Jpeg(new PhotoSpec
                {
                    Lat = Lat + i * 0.00005, Lon = Lon, Ca = 10 * i, Taken = new DateTime(2025, 6, 1, 9, 0, i * 2, DateTimeKind.Utc), Seed = i,
                }));
                images.Add(image.GetProperty("key").GetString()!);
            }
            Images = images;
            Sequence = (await Walker.GetJsonAsync($"/v2/im/{images[0]}")).GetProperty("sequence_key").GetString()!;
            using var comment = await Walker.SendAsync(HttpMethod.Post, $"/v2/im/{images[2]}/cm",
                new StringContent("""{"cm":"A new sign."}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, comment.StatusCode);
            Options = new EvaluationOptions { OutputFormat = OutputFormat.List };
            foreach (var name in new[] { "v2", "stac" })
            {
                Documents[name] = JsonNode.Parse(await Server.Http.GetStringAsync($"/openapi/{name}.json"))!;
                Options.SchemaRegistry.Register(new JsonNodeBaseDocument(Documents[name], DocumentUri(name)));
            }
        }

        public Task DisposeAsync() => Server.DisposeAsync().AsTask();
    }

    private static Uri DocumentUri(string name) => new($"https://sightline.test/openapi/{name}.json");

    [Fact]
    public Task ABoxSearchAnswerMatchesItsSchema() =>
        AssertMatchesAsync("/v2/search/im", $"/v2/search/im?{Box}");

    [Fact]
    public Task ACloseSearchAnswerMatchesItsSchema() =>
        AssertMatchesAsync("/v2/search/im/close", $"/v2/search/im/close?lat={Lat}&lon={Lon}&distance=100");

    [Fact]
    public Task ASequenceMatchesItsSchema() =>
        AssertMatchesAsync("/v2/s/{key}", $"/v2/s/{fixture.Sequence}");

    [Fact]
    public Task ASequenceSearchAnswerMatchesItsSchema() =>
        AssertMatchesAsync("/v2/search/s", $"/v2/search/s?{Box}");

    [Fact]
    public Task ASequenceAsGeoJsonMatchesItsSchema() =>
        AssertMatchesAsync("/v2/s/{key}/geojson", $"/v2/s/{fixture.Sequence}/geojson");

    [Fact]
    public Task ASequenceSearchAsGeoJsonMatchesItsSchema() =>
        AssertMatchesAsync("/v2/search/s/geojson", $"/v2/search/s/geojson?{Box}");

    [Fact]
    public Task AnImageAsGeoJsonMatchesItsSchema() =>
        AssertMatchesAsync("/v2/im/{key}/geojson", $"/v2/im/{fixture.Images[1]}/geojson");

    [Fact]
    public Task ANavigationCellMatchesItsSchema() =>
        AssertMatchesAsync("/v2/nav/im/{key}", $"/v2/nav/im/{fixture.Images[0]}");

    [Fact]
    public async Task ACommentedImagesSearchMatchesItsSchema()
    {
        // GeoJSON features whose properties leave out what they do not hold (blurs, rects, boundary).
        await AssertMatchesAsync("/v2/search/im/geojson/cm", $"/v2/search/im/geojson/cm?{Box}");
        await AssertMatchesAsync("/v2/search/im/cm", $"/v2/search/im/cm?{Box}");
    }

    [Fact]
    public Task AUserSearchAnswerForAUserWithoutAvatarMatchesItsSchema() =>
        AssertMatchesAsync("/v2/search/u", "/v2/search/u?match=schema");

    [Fact]
    public async Task AnIncompleteBoxIsAMissingParameterItsOperationDeclares()
    {
        // One edge of the box: the other three are missing (CONTRACT.md §3), on an operation without a required parameter.
        await AssertMatchesAsync("/v2/search/im", "/v2/search/im?min_lat=51.05", HttpStatusCode.BadRequest);
        await AssertMatchesAsync("/v2/search/s/geojson", "/v2/search/s/geojson?max_lon=3.73", HttpStatusCode.BadRequest);
        await AssertMatchesAsync("/api/search", "/api/search?place_distance=3-15", HttpStatusCode.BadRequest, "stac");
    }

    [Fact]
    public async Task StacAnswersMatchTheirDeclaredMediaTypesAndSchemas()
    {
        var (sequence, image) = (fixture.Sequence, fixture.Images[0]);
        await AssertMatchesAsync("/api", "/api", document: "stac");
        await AssertMatchesAsync("/api/conformance", "/api/conformance", document: "stac");
        await AssertMatchesAsync("/api/queryables", "/api/queryables", document: "stac");
        await AssertMatchesAsync("/api/collections", "/api/collections", document: "stac");
        await AssertMatchesAsync("/api/collections/{id}", $"/api/collections/{sequence}", document: "stac");
        await AssertMatchesAsync("/api/collections/{id}/items", $"/api/collections/{sequence}/items", document: "stac");
        await AssertMatchesAsync("/api/collections/{id}/items/{itemId}", $"/api/collections/{sequence}/items/{image}", document: "stac");
        await AssertMatchesAsync("/api/search", "/api/search?limit=2", document: "stac");
        await AssertMatchesAsync("/api/users", "/api/users", document: "stac");
        await AssertMatchesAsync("/api/pictures/{id}/thumb.jpg", $"/api/pictures/{image}/thumb.jpg", document: "stac");
        await AssertMatchesAsync("/api/map/{z}/{x}/{y}.mvt", "/api/map/15/16722/10962.mvt", document: "stac");
    }

    [Fact]
    public async Task FilesAndTokenAnswersHaveTheirDeclaredMediaTypes()
    {
        await AssertMatchesAsync("/{key}/thumb-{size}.jpg", $"/{fixture.Images[0]}/thumb-320.jpg");
        await AssertMatchesAsync("/tiles/{z}/{x}/{y}.mapbox", "/tiles/15/16722/10962.mapbox");
        await AssertMatchesAsync("/{id}/profile.png", "/default/profile.png");
    }

    [Fact]
    public async Task AnOAuthErrorDeclaresEveryFieldItCarries()
    {
        // CONTRACT.md §6: code and message, and RFC 6749's error and error_description beside them.
        using var response = await fixture.Server.Http.PostAsync("/v2/oauth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var declared = fixture.Documents["v2"]["paths"]!["/v2/oauth/revoke"]!["post"]!["responses"]!["401"]!["content"]!["application/json"]!["schema"]!["allOf"]![1]!["properties"]!.AsObject();
        Assert.All(body.Select(field => field.Key), field => Assert.True(declared.ContainsKey(field), $"{field} is sent but not declared"));
    }

    [Fact]
    public void EveryBodyTheServerReadsIsDeclaredWithItsMediaTypes()
    {
        string[] MediaTypes(string path, string method) =>
            fixture.Documents["v2"]["paths"]![path]![method]!["requestBody"]?["content"]?.AsObject().Select(c => c.Key).Order().ToArray() ?? [];
        Assert.Equal(["image/jpeg"], MediaTypes("/v2/me/uploads/images/{key}", "post"));
        Assert.Equal(["image/jpeg", "image/png"], MediaTypes("/v2/me/avatar", "post"));
        Assert.Equal(["image/jpeg", "image/png"], MediaTypes("/v2/me/avatar", "put"));
        Assert.Equal(["application/json"], MediaTypes("/v2/im/{key}/b", "post"));
        Assert.Equal(["application/json"], MediaTypes("/v2/im/{key}/or/{package}", "put"));
        Assert.Equal(["application/x-www-form-urlencoded"], MediaTypes("/v2/oauth/token", "post"));
        Assert.Equal(["application/x-www-form-urlencoded"], MediaTypes("/v2/oauth/revoke", "post"));
    }

    /// <summary>
    /// The server's answer to <paramref name="url"/> (a GET with the walker's token) must have <paramref name="status"/> and a
    /// media type the operation declares for it, and be valid against the schema declared for that status and type.
    /// </summary>
    private async Task AssertMatchesAsync(string path, string url, HttpStatusCode status = HttpStatusCode.OK, string document = "v2")
    {
        using var response = await fixture.Walker.SendAsync(HttpMethod.Get, url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{url}: {(int)response.StatusCode} {body}");
        var code = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mediaType = response.Content.Headers.ContentType!.MediaType!;
        var content = fixture.Documents[document]["paths"]![path]!["get"]!["responses"]![code]!["content"];
        Assert.True(content?[mediaType]?["schema"] is not null, $"GET {path} declares no schema for {code} {mediaType}: {content?.ToJsonString()}");
        if (!mediaType.EndsWith("json", StringComparison.Ordinal))
            return; // a file: its media type is what can be checked

        var pointer = string.Join("/", new[] { "paths", path, "get", "responses", code, "content", mediaType, "schema" }
            .Select(segment => Uri.EscapeDataString(segment.Replace("~", "~0").Replace("/", "~1"))));
        var schema = JsonSchema.FromText(JsonSerializer.Serialize(new Dictionary<string, string> { ["$ref"] = $"{DocumentUri(document)}#/{pointer}" }));
        var result = schema.Evaluate(JsonNode.Parse(body), fixture.Options);
        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key} {e.Value}"));
        Assert.True(result.IsValid, $"GET {url} does not match its declared schema:\n{string.Join("\n", errors.Take(20))}\n{body[..Math.Min(body.Length, 600)]}");
    }
}
