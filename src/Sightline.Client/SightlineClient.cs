using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Polly;
using Sightline.Client.Http;
using Sightline.Client.Models;

namespace Sightline.Client;

/// <summary>Typed async access to every call of a Sightline (Mapillary API v2) server, with catalogue errors and retries.</summary>
/// <remarks>
/// API failures surface as <see cref="SightlineApiException"/>; network failures that outlast the
/// retries surface as <see cref="HttpRequestException"/>, since they carry no status or code.
/// The <see cref="HttpClient"/> belongs to the caller (or to <c>IHttpClientFactory</c>) and is not disposed here.
/// The client holds no per-call state: share one instance, and derive one per user with <see cref="WithAccessToken"/>.
/// </remarks>
public sealed partial class SightlineClient
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient http;
    private readonly SightlineClientOptions options;
    private readonly Uri root;
    private readonly string clientId;
    private readonly ResiliencePipeline<HttpResponseMessage> repeatablePipeline;
    private readonly ResiliencePipeline<HttpResponseMessage> oncePipeline;
    private readonly ResiliencePipeline<HttpResponseMessage> unretriedPipeline = ResiliencePipeline<HttpResponseMessage>.Empty;

    /// <summary>Makes a client over <paramref name="http"/> for the server, application and user named in <paramref name="options"/>.</summary>
    /// <param name="http">The connection to use; its own <see cref="HttpClient.BaseAddress"/> is ignored.</param>
    /// <param name="options">Server, <c>client_id</c>, optional token and retry limits; copied, so later changes do not reach this client.</param>
    public SightlineClient(HttpClient http, SightlineClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var baseAddress = options.BaseAddress ?? throw new ArgumentException("SightlineClientOptions.BaseAddress is required.", nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.ClientId, nameof(options) + ".ClientId");
        this.http = http;
        this.options = options.Copy();
        clientId = options.ClientId;
        // Without the trailing slash, relative paths would replace the base's last segment.
        var baseText = baseAddress.AbsoluteUri;
        root = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/");
        repeatablePipeline = RetryPolicy.Build(this.options, repeatable: true);
        oncePipeline = RetryPolicy.Build(this.options, repeatable: false);
    }

    /// <summary>The server root this client talks to.</summary>
    public Uri BaseAddress => root;

    /// <summary>The application's <c>client_id</c> sent with every call.</summary>
    public string ClientId => clientId;

    /// <summary>A client like this one that acts for the user holding <paramref name="accessToken"/> (or for no user, with null).</summary>
    /// <param name="accessToken">The user's bearer token, e.g. from <see cref="ExchangeCodeAsync(OAuth.AuthorizationRequest, string, CancellationToken)"/>.</param>
    /// <returns>A new client sharing this one's connection and settings.</returns>
    public SightlineClient WithAccessToken(string? accessToken)
    {
        var copy = options.Copy();
        copy.AccessToken = accessToken;
        return new SightlineClient(http, copy);
    }

    /// <summary>A path segment from a caller's value, escaped so it stays one segment.</summary>
    internal static string Segment(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        return Uri.EscapeDataString(value);
    }

    internal Uri BuildUri(string path, QueryString? query, bool withClient = true)
    {
        var text = new StringBuilder(path);
        if (withClient)
            text.Append("?client_id=").Append(Uri.EscapeDataString(clientId));
        query?.AppendTo(text, started: withClient);
        return new Uri(root, text.ToString());
    }

    /// <summary>
    /// Sends one call through the retry pipeline and returns the successful answer (the caller disposes it), or throws the
    /// server's failure. <paramref name="content"/> is called once per attempt, because a request can be sent only once;
    /// a body that cannot be sent twice (<paramref name="resendable"/> false: a forward-only stream) is never retried, not
    /// even after a 429, whose exception then carries the server's Retry-After for the caller.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, Uri uri, Func<HttpContent?>? content, bool repeatable, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead, bool bearer = true, string accept = "application/json",
        bool resendable = true)
    {
        var pipeline = !resendable ? unretriedPipeline : repeatable ? repeatablePipeline : oncePipeline;
        var response = await pipeline.ExecuteAsync(
            async token =>
            {
                var request = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
                if (bearer && !string.IsNullOrEmpty(options.AccessToken))
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
                return await http.SendAsync(request, completion, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || (int)response.StatusCode is >= 300 and < 400)
            return response;
        using (response)
            throw await SightlineApiException.ReadAsync(response, options.TimeProvider, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
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

    internal Task<T> GetJsonAsync<T>(string path, QueryString? query, CancellationToken cancellationToken) =>
        SendJsonAsync<T>(HttpMethod.Get, path, query, null, repeatable: true, cancellationToken);

    internal async Task<T> SendJsonAsync<T>(
        HttpMethod method, string path, QueryString? query, Func<HttpContent?>? content, bool repeatable, CancellationToken cancellationToken,
        bool resendable = true)
    {
        using var response = await SendAsync(method, BuildUri(path, query), content, repeatable, cancellationToken, resendable: resendable).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A write whose answer is the acknowledgement; a JSON <paramref name="body"/> when given.</summary>
    internal Task<WriteAcknowledgement> WriteAsync(
        HttpMethod method, string path, object? body, bool repeatable, CancellationToken cancellationToken, QueryString? query = null) =>
        SendJsonAsync<WriteAcknowledgement>(method, path, query, body is null ? null : () => JsonContent(body), repeatable, cancellationToken);

    internal static HttpContent JsonContent(object body) =>
        new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } },
        };

    /// <summary>A GeoJSON answer as a document the caller owns (and disposes).</summary>
    internal async Task<JsonDocument> GetDocumentAsync(string path, QueryString? query, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, BuildUri(path, query), null, repeatable: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            var status = (int)response.StatusCode;
            throw new SightlineApiException(status, SightlineErrorCode.Unknown, null, $"HTTP {status} with a body that is not JSON.", inner: error);
        }
    }

    /// <summary>A binary answer as a stream read straight from the connection; disposing it releases the connection.</summary>
    internal async Task<Stream> GetStreamAsync(Uri uri, string accept, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Get, uri, null, repeatable: true, cancellationToken,
            HttpCompletionOption.ResponseHeadersRead, accept: accept).ConfigureAwait(false);
        try
        {
            return new ResponseStream(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Every item of every page, fetching the next page only when the caller has read the previous one.</summary>
    internal static async IAsyncEnumerable<T> EnumerateAsync<T>(
        Func<int, CancellationToken, Task<SightlinePage<T>>> fetch, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var page = 0; ; page++)
        {
            var current = await fetch(page, cancellationToken).ConfigureAwait(false);
            foreach (var item in current.Items)
            {
                // A loop cancelled mid-page stops at once, not after the rest of the page it already holds.
                cancellationToken.ThrowIfCancellationRequested();
                yield return item;
            }
            // An empty page that still says "more" would loop forever; stop there too.
            if (!current.More || current.Items.Count == 0)
                yield break;
        }
    }
}
