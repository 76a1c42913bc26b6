using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Demo;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Clients;

/// <summary>
/// One server for the real-client replays: the demo streets of Ghent (four photos each, one sequence per street), traffic
/// signs detected on two of them (one submitted under a 1.0 package name, one score with twelve decimals), a person who
/// signs in, and the application the clients call with.
/// </summary>
public sealed class V2ClientsServer : IAsyncLifetime
{
    public const string Person = "walker", Password = "correct horse battery staple";
    public const string PreciseScore = "2.810551672189";

    public TestServer Server { get; private set; } = null!;
    public string ClientId { get; private set; } = null!;
    public string[] ImageKeys { get; private set; } = [];
    public string SignedImage { get; private set; } = null!;
    public string DangerImage { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        (ClientId, _) = await Server.AddClientAsync("v2 clients");
        await Server.AddUserAsync(Person, Password);
        var uploaded = await DemoImagery.LoadAsync(Server.Services, ClientId, Server.BaseAddress, TextWriter.Null,
            CancellationToken.None, photosPerStreet: 4);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        JsonElement page;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the demo photos were not processed");
            await Task.Delay(100);
            page = await GetJsonAsync($"/v2/search/im?client_id={ClientId}&limit=100");
        }
        while (page.GetProperty("ims").GetArrayLength() < uploaded);
        ImageKeys = page.GetProperty("ims").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).Order(StringComparer.Ordinal).ToArray();
        (SignedImage, DangerImage) = (ImageKeys[0], ImageKeys[1]);

        await Server.AdminAsync("pw\n", "users", "add", "--username", "detector", "--email", "detector@example.org", "--admin");
        var detector = await Server.IssueTokenAsync("detector", ClientId, "mapillary:admin");
        await SubmitAsync(detector, SignedImage, "trafficsign_eu_1.0",
            $$"""{"or_rects":[{"type":"prohibitory--no-overtaking--ru","score":"{{PreciseScore}}","rect":[0.1,0.2,0.15,0.26]},""" +
            """{"type":"prohibitory--maximum-speed-limit-50--de","score":0.5,"rect":[0.5,0.4,0.55,0.47]}]}""");
        await SubmitAsync(detector, DangerImage, "trafficsign_eu_6.0",
            """{"or_rects":[{"type":"danger--children--de","score":"3.25","rect":[0.3,0.3,0.36,0.37]}]}""");
    }

    private async Task SubmitAsync(string token, string image, string package, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/v2/im/{image}/or/{package}?client_id={ClientId}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Server.Http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>GETs <paramref name="pathAndQuery"/> exactly as written and parses the JSON answer, which must be 200.</summary>
    public async Task<JsonElement> GetJsonAsync(string pathAndQuery, string? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server.BaseAddress, pathAndQuery));
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await Server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A box around the demo streets, as the clients send one.</summary>
    public static (double MinLat, double MinLon, double MaxLat, double MaxLon) Ghent => (51.050, 3.715, 51.060, 3.726);

    public Task DisposeAsync() => Server.DisposeAsync().AsTask();
}

[CollectionDefinition(Name)]
public sealed class V2ClientsCollection : ICollectionFixture<V2ClientsServer>
{
    public const string Name = "real v2 clients";
}
