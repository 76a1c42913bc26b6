using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>A user with an upload token on a real server, and the calls the imagery tests make with it.</summary>
public sealed class Uploader(TestServer server, string username, string clientId, string token)
{
    // Only a safety net for a hung worker; tests never assert on time.
    public static readonly TimeSpan ProcessingTimeout = TimeSpan.FromSeconds(60);

    public string Username => username;
    public string ClientId => clientId;
    public TestServer Server => server;

    public static async Task<Uploader> CreateAsync(TestServer server, string username, string scopes = "public:upload")
    {
        var (name, clientId, token) = await server.AddUserWithTokenAsync(username, scopes);
        return new Uploader(server, name, clientId, token);
    }

    /// <summary>The same user and token against another server over the same data folder (after a restart).</summary>
    public Uploader On(TestServer restarted) => new(restarted, username, clientId, token);

    public Task<HttpResponseMessage> PostAsync(string uploadKey, byte[] body, string query = "", string contentType = "image/jpeg")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/me/uploads/images/{uploadKey}?client_id={clientId}{query}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Http.SendAsync(request);
    }

    /// <summary>Uploads and asserts the acknowledgement; returns the image key.</summary>
    public async Task<string> UploadAsync(string uploadKey, byte[] body, string query = "")
    {
        using var response = await PostAsync(uploadKey, body, query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{text} {LastError()}");
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("ok", root.GetProperty("code").GetString());
        Assert.Equal("request performed", root.GetProperty("message").GetString());
        Assert.Equal(200, root.GetProperty("status").GetInt32());
        return root.GetProperty("image_key").GetString()!;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        var separator = path.Contains('?') ? '&' : '?';
        var request = new HttpRequestMessage(method, $"{path}{separator}client_id={clientId}") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Http.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text} {LastError()}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private string LastError() =>
        server.Logs.Entries.LastOrDefault(e => e.Exception is not null).Exception?.ToString() ?? "";

    /// <summary>Polls GET /v2/im/{key} (with this user's token) until the image is visible (processing done) and returns it.</summary>
    public async Task<JsonElement> WaitUntilProcessedAsync(string imageKey)
    {
        var deadline = DateTime.UtcNow + ProcessingTimeout;
        while (true)
        {
            using var response = await SendAsync(HttpMethod.Get, $"/v2/im/{imageKey}");
            if (response.StatusCode == HttpStatusCode.OK)
                return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"image {imageKey} was not processed within {ProcessingTimeout}");
            await Task.Delay(50);
        }
    }

    /// <summary>Uploads a photo and waits until it is processed; returns its image JSON.</summary>
    public async Task<JsonElement> UploadProcessedAsync(string uploadKey, byte[] body, string query = "") =>
        await WaitUntilProcessedAsync(await UploadAsync(uploadKey, body, query));
}
