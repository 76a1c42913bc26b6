using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>A server with a person and applications registered through the admin CLI, and the steps of the code flow.</summary>
public abstract class OAuthTestBase : IAsyncLifetime
{
    protected const string Username = "maria_k";
    protected const string Password = "correct horse battery staple";
    protected const string RedirectUri = "https://app.example.org/cb";

    protected TestServer Server { get; private set; } = null!;
    protected Client Confidential { get; private set; } = null!;

    public sealed record Client(string ClientId, string? Secret, string RedirectUri);

    protected virtual IReadOnlyDictionary<string, string?>? Configuration => null;

    public virtual async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(Configuration);
        await Server.AddUserAsync(Username, Password);
        Confidential = await AddClientAsync("Street Viewer");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Restarts the server over the same data folder (it listens on another port afterwards).</summary>
    protected async Task RestartServerAsync() => Server = await Server.RestartAsync();

    protected async Task<Client> AddClientAsync(string name, string redirect = RedirectUri, params string[] flags)
    {
        var json = await Server.AdminAsync("", ["clients", "add", "--name", name, "--redirect-uri", redirect, .. flags]);
        var secret = json.GetProperty("client_secret");
        return new Client(json.GetProperty("client_id").GetString()!, secret.ValueKind == JsonValueKind.Null ? null : secret.GetString(), redirect);
    }

    protected static string AuthorizeUrl(Client client, string responseType = "code", string scope = "user:read", string? challenge = null,
        string? method = "S256", string state = "st-42", string? redirectUri = null)
    {
        var query = new StringBuilder($"/connect?client_id={client.ClientId}&response_type={responseType}")
            .Append($"&redirect_uri={Uri.EscapeDataString(redirectUri ?? client.RedirectUri)}&scope={Uri.EscapeDataString(scope)}&state={state}");
        if (challenge is not null)
            query.Append($"&code_challenge={challenge}");
        if (challenge is not null && method is not null)
            query.Append($"&code_challenge_method={method}");
        return query.ToString();
    }

    /// <summary>Runs sign-in and consent with Allow and returns the code from the redirect.</summary>
    protected async Task<string> AuthorizeAsync(Browser browser, Client client, string challenge, string scope = "user:read")
    {
        var consent = await browser.SignInToConsentAsync(AuthorizeUrl(client, scope: scope, challenge: challenge), Username, Password);
        var redirect = await browser.SubmitAsync(consent, new Dictionary<string, string> { ["decision"] = "allow" });
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith(client.RedirectUri + "?", redirect.Headers.Location!.AbsoluteUri);
        var parameters = Browser.RedirectParameters(redirect);
        Assert.Equal("st-42", parameters["state"]);
        return parameters["code"]!;
    }

    protected Task<HttpResponseMessage> ExchangeAsync(Client client, string code, string? verifier, string? secret = null,
        bool basic = false, string? redirectUri = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri ?? client.RedirectUri,
        };
        if (verifier is not null)
            fields["code_verifier"] = verifier;
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/token") { Content = new FormUrlEncodedContent(fields) };
        secret ??= client.Secret;
        if (basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(secret!)}")));
        }
        else
        {
            fields["client_id"] = client.ClientId;
            if (secret is not null)
                fields["client_secret"] = secret;
            request.Content = new FormUrlEncodedContent(fields);
        }
        return Server.Http.SendAsync(request);
    }

    protected async Task<string> TokenOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    protected Task<HttpResponseMessage> GetMeAsync(string clientId, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/me?client_id={clientId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Server.Http.SendAsync(request);
    }

    /// <summary>Asserts a token endpoint error in both vocabularies (CONTRACT.md §6).</summary>
    protected static async Task OAuthError(HttpResponseMessage response, int status, string code, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet); // CONTRACT.md §2, as on every other failure
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal(["code", "error", "error_description", "message"], root.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(code, root.GetProperty("code").GetString());
        Assert.Equal(error, root.GetProperty("error").GetString());
        Assert.Equal(root.GetProperty("message").GetString(), root.GetProperty("error_description").GetString());
        ContractAssert.AssertNothingLeaks(root.GetProperty("message").GetString()!);
    }
}
