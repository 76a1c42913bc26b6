using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>A user with one token on a real server, and the calls the community tests make with it.</summary>
public sealed class Member(TestServer server, string username, string clientId, string? token)
{
    public string Username => username;
    public string ClientId => clientId;
    public TestServer Server => server;

    /// <summary>The bearer header of this member's token, for requests built by hand.</summary>
    public AuthenticationHeaderValue? Authorization => token is null ? null : new("Bearer", token);

    public static async Task<Member> CreateAsync(TestServer server, string username, string scopes, bool admin = false)
    {
        var args = new List<string> { "users", "add", "--username", username, "--email", $"{username}@example.org" };
        if (admin)
            args.Add("--admin");
        await server.AdminAsync("pw\n", [.. args]);
        var (clientId, _) = await server.AddClientAsync();
        return new Member(server, username, clientId, await server.IssueTokenAsync(username, clientId, scopes));
    }

    /// <summary>The same application without any user token.</summary>
    public Member Anonymous() => new(server, username, clientId, null);

    /// <summary>Another token of the same user and application with other scopes.</summary>
    public async Task<Member> WithScopesAsync(string scopes) =>
        new(server, username, clientId, await server.IssueTokenAsync(username, clientId, scopes));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        var separator = path.Contains('?') ? '&' : '?';
        var request = new HttpRequestMessage(method, $"{path}{separator}client_id={clientId}") { Content = content };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server.Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> SendJsonAsync(HttpMethod method, string path, string json) =>
        SendAsync(method, path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) =>
        SendJsonAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body));

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await SendAsync(HttpMethod.Get, path);
        return await OkJsonAsync(response, path);
    }

    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{what}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the write acknowledgement, exactly.</summary>
    public static async Task AcknowledgedAsync(HttpResponseMessage response)
    {
        var json = await OkJsonAsync(response, "write");
        Assert.Equal("""{"code":"ok","message":"request performed","status":200}""", json.GetRawText());
    }

    public static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
}

/// <summary>
/// A server with an uploader of public and private images, a project member, a stranger and an administrator:
/// the cast of every community test.
/// </summary>
public sealed class Cast : IAsyncDisposable
{
    public const string Project = "survey";
    public required TestServer Server { get; init; }
    public required Uploader Owner { get; init; }
    public required Member OwnerMember { get; init; }
    public required Member ProjectMember { get; init; }
    public required Member Stranger { get; init; }
    public required Member Admin { get; init; }

    public static async Task<Cast> StartAsync()
    {
        var server = await TestServer.StartAsync();
        var owner = await Uploader.CreateAsync(server, "owner", "public:upload private:upload private:read");
        var ownerMember = new Member(server, "owner", owner.ClientId,
            await server.IssueTokenAsync("owner", owner.ClientId, "public:write private:write private:read user:read"));
        var member = await Member.CreateAsync(server, "member", "public:write private:write private:read user:read");
        var stranger = await Member.CreateAsync(server, "stranger", "public:write private:write private:read user:read");
        var admin = await Member.CreateAsync(server, "moderator", "mapillary:admin public:write user:read", admin: true);
        await server.AdminAsync("", "projects", "add", "--key", Project, "--name", "Survey", "--owner", "owner");
        await server.AdminAsync("", "projects", "add-member", Project, "member");
        return new Cast { Server = server, Owner = owner, OwnerMember = ownerMember, ProjectMember = member, Stranger = stranger, Admin = admin };
    }

    public static PhotoSpec Spec(int seed) => new()
    {
        Width = 320, Height = 240, Lat = 51.05 + seed * 0.0001, Lon = 3.72, Ca = 90,
        Taken = new DateTime(2024, 5, 1, 9, 0, 0).AddSeconds(seed * 2), Seed = seed,
    };

    /// <summary>Uploads a processed public photo; returns its key.</summary>
    public async Task<string> PublicImageAsync(int seed) =>
        (await Owner.UploadProcessedAsync($"public-{seed}", Photos.Jpeg(Spec(seed)))).GetProperty("key").GetString()!;

    /// <summary>Uploads a processed photo private to the project; returns its key.</summary>
    public async Task<string> PrivateImageAsync(int seed) =>
        (await Owner.UploadProcessedAsync($"private-{seed}", Photos.Jpeg(Spec(seed + 1000)), $"&project={Project}")).GetProperty("key").GetString()!;

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
