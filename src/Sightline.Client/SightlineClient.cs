using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Polly;
using Sightline.Client.Models;

namespace Sightline.Client;

/// <summary>Typed async access to a Sightline (Mapillary API v2) server, with catalogue errors and retries.</summary>
/// <remarks>
/// API failures surface as <see cref="SightlineApiException"/>; network failures that outlast the
/// retries surface as <see cref="HttpRequestException"/>, since they carry no status or code.
/// The <see cref="HttpClient"/> belongs to the caller and is not disposed here.
/// </remarks>
public sealed class SightlineClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly HttpClient http;
    private readonly SightlineClientOptions options;
    private readonly Uri root;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public SightlineClient(HttpClient http, SightlineClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ClientId);
        this.http = http;
        this.options = options;
        // Without the trailing slash, relative paths would replace the base's last segment.
        var baseText = options.BaseAddress.AbsoluteUri;
        root = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/");
        pipeline = RetryPolicy.Build(options);
    }

    /// <summary><c>GET /v2/status</c>.</summary>
    public Task<ServerStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        GetAsync<ServerStatus>("v2/status", [], cancellationToken);

    /// <summary><c>GET /v2/me</c>; needs an access token with <c>user:read</c>.</summary>
    public Task<Me> GetMeAsync(CancellationToken cancellationToken = default) =>
        GetAsync<Me>("v2/me", [], cancellationToken);

    /// <summary><c>GET /v2/u/{username}</c>.</summary>
    public Task<UserProfile> GetUserAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return GetAsync<UserProfile>("v2/u/" + Uri.EscapeDataString(username), [], cancellationToken);
    }

    /// <summary><c>GET /v2/search/u</c>: usernames starting with <paramref name="match"/>; the server's default limit when none is given.</summary>
    public async Task<IReadOnlyList<UserMatch>> SearchUsersAsync(string match, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var query = new List<KeyValuePair<string, string>> { new("match", match) };
        if (limit is { } count)
            query.Add(new("limit", count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var list = await GetAsync<UserMatchList>("v2/search/u", query, cancellationToken).ConfigureAwait(false);
        return list.Matches ?? [];
    }

    private async Task<T> GetAsync<T>(string path, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var uri = BuildUri(path, query);
        using var response = await pipeline.ExecuteAsync(
            async token => await http.SendAsync(NewRequest(uri), HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        if (!response.IsSuccessStatusCode)
            throw await SightlineApiException.ReadAsync(response, options.TimeProvider, cancellationToken).ConfigureAwait(false);

        var status = (int)response.StatusCode;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync<T>(body, Json, cancellationToken).ConfigureAwait(false)
                ?? throw new SightlineApiException(status, SightlineErrorCode.Unknown, null, $"HTTP {status} with an empty body.");
        }
        catch (JsonException error)
        {
            // Keep the promise of one exception type: a success we cannot read is still the server's failure.
            throw new SightlineApiException(status, SightlineErrorCode.Unknown, null, $"HTTP {status} with a body that is not the expected JSON.", inner: error);
        }
    }

    private Uri BuildUri(string path, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        var text = new StringBuilder(path).Append("?client_id=").Append(Uri.EscapeDataString(options.ClientId));
        foreach (var (name, value) in query)
            text.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        return new Uri(root, text.ToString());
    }

    // A request message can be sent only once, so every attempt gets its own.
    private HttpRequestMessage NewRequest(Uri uri)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(options.AccessToken))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
        return request;
    }
}
