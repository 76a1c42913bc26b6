using System.Text.Json;

namespace Sightline.Client;

/// <summary>A failure answered by a Sightline server: its HTTP status, catalogue code and message.</summary>
public sealed class SightlineApiException : Exception
{
    /// <summary>Makes the exception for one failed answer.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The catalogue code, or <see cref="SightlineErrorCode.Unknown"/>.</param>
    /// <param name="rawCode">The <c>code</c> as the server wrote it, if any.</param>
    /// <param name="message">The server's message, or a description of what was wrong with the answer.</param>
    /// <param name="retryAfter">The wait a 429 asked for.</param>
    /// <param name="inner">What failed while reading the answer, if anything.</param>
    /// <param name="oauthError">The RFC 6749 <c>error</c> of an OAuth endpoint's answer, if any.</param>
    public SightlineApiException(int status, SightlineErrorCode code, string? rawCode, string message, TimeSpan? retryAfter = null,
        Exception? inner = null, string? oauthError = null)
        : base(message, inner)
    {
        Status = status;
        Code = code;
        RawCode = rawCode;
        RetryAfter = retryAfter;
        OAuthError = oauthError;
    }

    /// <summary>The HTTP status of the answer.</summary>
    public int Status { get; }

    /// <summary>The catalogue code, or <see cref="SightlineErrorCode.Unknown"/> when the server sent none we know.</summary>
    public SightlineErrorCode Code { get; }

    /// <summary>The <c>code</c> exactly as the server wrote it; null when the body had none.</summary>
    public string? RawCode { get; }

    /// <summary>How long the server asked us to stay away (429 only).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The RFC 6749 <c>error</c> (e.g. <c>invalid_grant</c>) that the OAuth token and revocation endpoints add; null elsewhere.</summary>
    public string? OAuthError { get; }

    internal static SightlineErrorCode CodeOf(string? wire) => wire switch
    {
        "parameter_missing" => SightlineErrorCode.ParameterMissing,
        "parameter_invalid" => SightlineErrorCode.ParameterInvalid,
        "client_id_differ" => SightlineErrorCode.ClientIdDiffer,
        "client_id_invalid" => SightlineErrorCode.ClientIdInvalid,
        "client_id_missing" => SightlineErrorCode.ClientIdMissing,
        "user_not_authenticated" => SightlineErrorCode.UserNotAuthenticated,
        "not_found" => SightlineErrorCode.NotFound,
        "too_many_requests" => SightlineErrorCode.TooManyRequests,
        "mapillary_internal_server_error" => SightlineErrorCode.InternalServerError,
        _ => SightlineErrorCode.Unknown,
    };

    /// <summary>Reads a failed answer into an exception; never throws on a malformed body, because the status alone is still worth reporting.</summary>
    internal static async Task<SightlineApiException> ReadAsync(HttpResponseMessage response, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryPolicy.RetryAfterOf(response, time);
        string? rawCode = null;
        string? message = null;
        string? oauthError = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String)
                    rawCode = code.GetString();
                if (json.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                    message = text.GetString();
                if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                    oauthError = error.GetString();
            }
        }
        catch (JsonException)
        {
        }
        catch (HttpRequestException)
        {
        }
        return new SightlineApiException(status, CodeOf(rawCode), rawCode,
            string.IsNullOrWhiteSpace(message) ? $"HTTP {status} without a readable Sightline error body." : message, retryAfter,
            oauthError: oauthError);
    }
}
