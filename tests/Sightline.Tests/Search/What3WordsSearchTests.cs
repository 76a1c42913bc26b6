using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Sightline.Client;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Search;

/// <summary>
/// <c>GET /v2/search/im/w3w</c> (spec §3.7, §5 item 43) against a stand-in for the what3words API v3 on its own socket:
/// the server resolves the address through the service it is configured with and answers the public images in the square.
/// </summary>
public sealed class What3WordsSearchTests(What3WordsSearchTests.World world) : IClassFixture<What3WordsSearchTests.World>
{
    private const string ApiKey = "test-key-1";

    /// <summary>A what3words stand-in, a server using it with two photos (one inside the square), and one without a key.</summary>
    public sealed class World : IAsyncLifetime
    {
        private WebApplication service = null!;
        public TestServer Server { get; private set; } = null!;
        public TestServer Unconfigured { get; private set; } = null!;
        public Uploader Uploader { get; private set; } = null!;
        public string Inside { get; private set; } = "";
        public string Outside { get; private set; } = "";
        /// <summary>The query strings the stand-in was sent.</summary>
        public ConcurrentQueue<string> Asked { get; } = new();
        public string ServiceUrl { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            service = builder.Build();
            service.MapGet("/v3/convert-to-coordinates", (HttpRequest request) =>
            {
                Asked.Enqueue(request.QueryString.Value ?? "");
                if (request.Query["key"] != ApiKey)
                    return Results.Json(new { error = new { code = "InvalidKey", message = "Authentication failed; invalid API key" } }, statusCode: 401);
                if (request.Query["words"] != "index.home.raft")
                    return Results.Json(new { error = new { code = "BadWords", message = "Invalid or non-existent 3 word address" } }, statusCode: 400);
                return Results.Json(new
                {
                    country = "DE",
                    square = new { southwest = new { lng = 11.49998, lat = 48.09998 }, northeast = new { lng = 11.50002, lat = 48.10002 } },
                    nearestPlace = "München",
                    coordinates = new { lng = 11.5, lat = 48.1 },
                    words = "index.home.raft",
                    language = "en",
                });
            });
            await service.StartAsync();
            ServiceUrl = service.Urls.Single() + "/v3/";
            Server = await TestServer.StartAsync(new Dictionary<string, string?> { ["What3Words:ApiKey"] = ApiKey, ["What3Words:Url"] = ServiceUrl });
            Unconfigured = await TestServer.StartAsync();
            Uploader = await Uploader.CreateAsync(Server, "wordsmith");
            Inside = (await Uploader.UploadProcessedAsync("in", Photos.Jpeg(new PhotoSpec { Lat = 48.1, Lon = 11.5, Taken = new DateTime(2024, 5, 1, 8, 0, 0) })))
                .GetProperty("key").GetString()!;
            Outside = (await Uploader.UploadProcessedAsync("out", Photos.Jpeg(new PhotoSpec { Lat = 48.1003, Lon = 11.5, Taken = new DateTime(2024, 5, 1, 8, 0, 5), Seed = 1 })))
                .GetProperty("key").GetString()!;
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            await Unconfigured.DisposeAsync();
            await service.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheImagesInsideTheSquareAreAnsweredWithKeyLonAndLatOnly()
    {
        using var response = await world.Server.Http.GetAsync($"/v2/search/im/w3w?client_id={world.Uploader.ClientId}&string=%2F%2F%2FIndex.Home.Raft");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(["ims"], json.RootElement.EnumerateObject().Select(p => p.Name)); // no "more": the spec has none
        var image = Assert.Single(json.RootElement.GetProperty("ims").EnumerateArray());
        Assert.Equal(["key", "lon", "lat"], image.EnumerateObject().Select(p => p.Name));
        Assert.Equal(world.Inside, image.GetProperty("key").GetString());
        Assert.Equal(48.1, image.GetProperty("lat").GetDouble(), 4);
        Assert.Equal(11.5, image.GetProperty("lon").GetDouble(), 4);
        // The service was asked for the address as what3words writes it, with the configured key.
        Assert.Contains(world.Asked, q => q.Contains("words=index.home.raft") && q.Contains($"key={ApiKey}"));
    }

    [Fact]
    public async Task AnAddressTheServiceDoesNotKnowIsNotFound()
    {
        using var response = await world.Server.Http.GetAsync($"/v2/search/im/w3w?client_id={world.Uploader.ClientId}&string=filled.count.soap");
        var message = await ContractAssert.Error(response, "not_found");
        Assert.Contains("filled.count.soap", message);
    }

    [Theory]
    [InlineData("", "parameter_missing")]
    [InlineData("&string=", "parameter_missing")]
    [InlineData("&string=index.home", "parameter_invalid")]
    [InlineData("&string=index.home.raft.extra", "parameter_invalid")]
    [InlineData("&string=index..raft", "parameter_invalid")]
    [InlineData("&string=1ndex.home.raft", "parameter_invalid")]
    [InlineData("&string=index.home.raft%3Cscript%3E", "parameter_invalid")]
    public async Task AMalformedAddressIsRefusedBeforeTheServiceIsAsked(string query, string code)
    {
        var asked = world.Asked.Count;
        using var response = await world.Server.Http.GetAsync($"/v2/search/im/w3w?client_id={world.Uploader.ClientId}{query}");
        var message = await ContractAssert.Error(response, code);
        Assert.Contains("string", message);
        Assert.Equal(asked, world.Asked.Count);
    }

    [Fact]
    public async Task WordsOfOtherScriptsAreAddresses()
    {
        // Accepted as an address (the stand-in knows it not: not_found, not parameter_invalid).
        using var response = await world.Server.Http.GetAsync($"/v2/search/im/w3w?client_id={world.Uploader.ClientId}&string={Uri.EscapeDataString("книга.дом.плот")}");
        await ContractAssert.Error(response, "not_found");
    }

    [Fact]
    public async Task TheClientIdIsCheckedFirst()
    {
        using var missing = await world.Server.Http.GetAsync("/v2/search/im/w3w?string=index.home.raft");
        await ContractAssert.Error(missing, "client_id_missing");
        using var unknown = await world.Unconfigured.Http.GetAsync("/v2/search/im/w3w?client_id=AAAAAAAAAAAAAAAAAAAAAA&string=index.home.raft");
        await ContractAssert.Error(unknown, "client_id_invalid");
    }

    [Fact]
    public async Task WithoutAKeyTheLookupIsOffAndAnswersNotFoundAfterTheParameters()
    {
        var (clientId, _) = await world.Unconfigured.AddClientAsync();
        using var malformed = await world.Unconfigured.Http.GetAsync($"/v2/search/im/w3w?client_id={clientId}&string=index.home");
        await ContractAssert.Error(malformed, "parameter_invalid");
        using var off = await world.Unconfigured.Http.GetAsync($"/v2/search/im/w3w?client_id={clientId}&string=index.home.raft");
        var message = await ContractAssert.Error(off, "not_found");
        Assert.Contains("What3Words:ApiKey", message);
    }

    [Fact]
    public async Task AServiceThatRefusesTheServerIsAnInternalErrorWithTheCauseLogged()
    {
        await using var misconfigured = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["What3Words:ApiKey"] = "revoked-key",
            ["What3Words:Url"] = world.ServiceUrl,
        });
        var (clientId, _) = await misconfigured.AddClientAsync();
        using var response = await misconfigured.Http.GetAsync($"/v2/search/im/w3w?client_id={clientId}&string=index.home.raft");
        var message = await ContractAssert.Error(response, "mapillary_internal_server_error");
        Assert.StartsWith("Internal Error: ", message);
        Assert.Contains(misconfigured.Logs.Entries, e => e.Exception?.Message.Contains("InvalidKey") == true);
    }

    [Fact]
    public async Task TheSdkSearchesASquare()
    {
        using var http = new HttpClient();
        var client = new SightlineClient(http, new SightlineClientOptions { BaseAddress = world.Server.BaseAddress, ClientId = world.Uploader.ClientId });
        var found = await client.SearchImagesWhat3WordsAsync("index.home.raft");
        Assert.Equal(world.Inside, Assert.Single(found).Key);
        var error = await Assert.ThrowsAsync<SightlineApiException>(() => client.SearchImagesWhat3WordsAsync("filled.count.soap"));
        Assert.Equal(SightlineErrorCode.NotFound, error.Code);
    }
}
