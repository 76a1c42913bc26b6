using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>GET /v2/me/uploads/secrets and uploads that carry the signed policy instead of the bearer token.</summary>
public sealed class UploadPolicyTests : IAsyncLifetime
{
    private TestServer server = null!;
    private Uploader uploader = null!;

    private static readonly byte[] Photo = Photos.Jpeg(new PhotoSpec { Lat = 1.5, Lon = 2.5, Taken = new DateTime(2024, 4, 4, 4, 4, 4) });

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "camera_owner");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    private Task<HttpResponseMessage> PostWithoutTokenAsync(TestServer target, string clientId, string uploadKey, string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/me/uploads/images/{uploadKey}?client_id={clientId}{query}")
        {
            Content = new ByteArrayContent(Photo),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return target.Http.SendAsync(request);
    }

    private static string PolicyQuery(JsonElement secrets) =>
        $"&images_policy={Uri.EscapeDataString(secrets.GetProperty("images_policy").GetString()!)}&images_hash={secrets.GetProperty("images_hash").GetString()}";

    [Fact]
    public async Task SecretsAreASignedPolicyNamingUserExpiryAndSize()
    {
        var secrets = await uploader.GetJsonAsync("/v2/me/uploads/secrets");
        // All four fields of spec §3.5, the video pair included.
        Assert.Equal(["images_hash", "images_policy", "videos_hash", "videos_policy"], secrets.EnumerateObject().Select(p => p.Name).Order().ToArray());
        var policy = JsonDocument.Parse(Convert.FromBase64String(secrets.GetProperty("images_policy").GetString()!)).RootElement;
        // The user by its public uuid (spec §1.4's key shape), never the internal numeric id.
        Assert.Equal(["client_id", "expires_at", "max_bytes", "user_uuid"], policy.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(uploader.ClientId, policy.GetProperty("client_id").GetString()); // bound to its application, as a token is
        Assert.Matches("^[A-Za-z0-9_-]{22}$", policy.GetProperty("user_uuid").GetString()!);
        Assert.True(policy.GetProperty("expires_at").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(64L * 1024 * 1024, policy.GetProperty("max_bytes").GetInt64());
        Assert.Equal(64, secrets.GetProperty("images_hash").GetString()!.Length);
    }

    [Fact]
    public async Task TheVideoPolicyIsSignedButTakesNoImageUpload()
    {
        var secrets = await uploader.GetJsonAsync("/v2/me/uploads/secrets");
        Assert.Equal(64, secrets.GetProperty("videos_hash").GetString()!.Length);
        var query = $"&images_policy={Uri.EscapeDataString(secrets.GetProperty("videos_policy").GetString()!)}&images_hash={secrets.GetProperty("videos_hash").GetString()}";
        await ContractAssert.Error(await PostWithoutTokenAsync(server, uploader.ClientId, "video-policy", query), "user_not_authenticated");
    }

    [Fact]
    public async Task SecretsNeedTheUploadScope() =>
        await ContractAssert.Error(await server.Http.GetAsync($"/v2/me/uploads/secrets?client_id={uploader.ClientId}"), "user_not_authenticated");

    [Fact]
    public async Task APolicyStandsInForTheToken()
    {
        var query = PolicyQuery(await uploader.GetJsonAsync("/v2/me/uploads/secrets"));
        using var response = await PostWithoutTokenAsync(server, uploader.ClientId, "from-camera", query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var imageKey = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("image_key").GetString()!;
        var image = await uploader.WaitUntilProcessedAsync(imageKey);
        Assert.Equal("camera_owner", image.GetProperty("user").GetString());
    }

    [Fact]
    public async Task ATamperedPolicyIsRefused()
    {
        var secrets = await uploader.GetJsonAsync("/v2/me/uploads/secrets");
        var policy = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Convert.FromBase64String(secrets.GetProperty("images_policy").GetString()!))!;
        policy["max_bytes"] = JsonSerializer.SerializeToElement(long.MaxValue);
        var forged = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(policy));
        var query = $"&images_policy={Uri.EscapeDataString(forged)}&images_hash={secrets.GetProperty("images_hash").GetString()}";
        var message = await ContractAssert.Error(await PostWithoutTokenAsync(server, uploader.ClientId, "forged", query), "user_not_authenticated");
        Assert.Contains("policy", message);
        await ContractAssert.Error(await PostWithoutTokenAsync(server, uploader.ClientId, "no-hash",
            $"&images_policy={Uri.EscapeDataString(secrets.GetProperty("images_policy").GetString()!)}"), "user_not_authenticated");
    }

    [Fact]
    public async Task AnExpiredPolicyIsRefused()
    {
        await using var expiring = await TestServer.StartAsync(new Dictionary<string, string?> { ["Uploads:PolicyLifetimeHours"] = "-1" });
        var owner = await Uploader.CreateAsync(expiring, "expired_owner");
        var query = PolicyQuery(await owner.GetJsonAsync("/v2/me/uploads/secrets"));
        var message = await ContractAssert.Error(await PostWithoutTokenAsync(expiring, owner.ClientId, "late", query), "user_not_authenticated");
        Assert.Contains("expired", message);
    }

    [Fact]
    public async Task APolicyDoesNotOpenProjects()
    {
        var query = PolicyQuery(await uploader.GetJsonAsync("/v2/me/uploads/secrets")) + "&project=any";
        var message = await ContractAssert.Error(await PostWithoutTokenAsync(server, uploader.ClientId, "private", query), "user_not_authenticated");
        Assert.Contains("private:upload", message);
    }

    [Fact]
    public async Task APolicyWorksOnlyThroughTheApplicationItWasIssuedTo()
    {
        var query = PolicyQuery(await uploader.GetJsonAsync("/v2/me/uploads/secrets"));
        var (otherClient, _) = await server.AddClientAsync("another app");
        var message = await ContractAssert.Error(await PostWithoutTokenAsync(server, otherClient, "other-app", query), "client_id_differ");
        Assert.Contains("policy", message);
    }

    [Fact]
    public async Task ADisabledAccountsPolicyStopsWorkingAtOnceAsItsTokensDo()
    {
        var owner = await Uploader.CreateAsync(server, "soon_disabled");
        var query = PolicyQuery(await owner.GetJsonAsync("/v2/me/uploads/secrets"));
        Assert.Equal(HttpStatusCode.OK, (await PostWithoutTokenAsync(server, owner.ClientId, "before", query)).StatusCode);
        await server.AdminAsync("", "users", "disable", "soon_disabled");
        var message = await ContractAssert.Error(await PostWithoutTokenAsync(server, owner.ClientId, "after", query), "user_not_authenticated");
        Assert.Contains("disabled", message);
    }
}
