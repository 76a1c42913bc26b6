using System.Text.Json;
using Sightline.Contract;

namespace Sightline.OAuth;

/// <summary>
/// OAuth errors in both vocabularies (CONTRACT.md §6): RFC 6749's <c>error</c>/<c>error_description</c>
/// for standard client libraries, and the catalogue's <c>code</c>/<c>message</c> for Mapillary clients.
/// </summary>
public static class OAuthErrors
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidGrant = "invalid_grant";
    public const string InvalidScope = "invalid_scope";
    public const string UnauthorizedClient = "unauthorized_client";
    public const string UnsupportedResponseType = "unsupported_response_type";
    public const string AccessDenied = "access_denied";
    public const string ServerError = "server_error";
    public const string TemporarilyUnavailable = "temporarily_unavailable";

    /// <summary>The catalogue entry an OAuth error travels with; its status is the one the answer carries.</summary>
    public static ErrorCode CatalogueCodeOf(string error, string? description) => error switch
    {
        // RFC 6749 §5.2: failed client authentication is the one 401 of the token endpoint; no client_id at all is
        // the catalogue's client_id_missing, any other failure client_id_invalid.
        InvalidClient when description == ClientAuthentication.MissingClientId => ErrorCode.ClientIdMissing,
        InvalidClient => ErrorCode.ClientIdInvalid,
        ServerError or TemporarilyUnavailable => ErrorCode.InternalServerError,
        // A missing field is parameter_missing; a missing Content-Type header is a body of the wrong media type (CONTRACT.md §3).
        InvalidRequest when description?.Contains("missing", StringComparison.OrdinalIgnoreCase) == true
                            && !description.Contains("header", StringComparison.OrdinalIgnoreCase) => ErrorCode.ParameterMissing,
        _ => ErrorCode.ParameterInvalid,
    };

    /// <summary>
    /// The OAuth error a failure of the API's own checks travels with at the OAuth endpoints: a spent budget (429) is
    /// RFC 6749's "temporarily overloaded", and a body too large or unreadable an invalid request.
    /// </summary>
    public static string ErrorOf(ErrorCode code) => code switch
    {
        ErrorCode.ClientIdInvalid or ErrorCode.ClientIdMissing or ErrorCode.ClientIdDiffer => InvalidClient,
        ErrorCode.TooManyRequests => TemporarilyUnavailable,
        ErrorCode.InternalServerError => ServerError,
        _ => InvalidRequest,
    };

    /// <summary>Endpoint metadata: every failure of the endpoint, the budget's and the framework's too, in both vocabularies.</summary>
    public static readonly FailureForm Failures = new((context, code, message) => WriteAsync(context, code, ErrorOf(code), message));

    /// <summary>Writes an OAuth error body carrying both vocabularies, for endpoints OpenIddict does not answer for us.</summary>
    public static Task WriteAsync(HttpContext context, string error, string description) =>
        WriteAsync(context, CatalogueCodeOf(error, description), error, description);

    private static async Task WriteAsync(HttpContext context, ErrorCode code, string error, string description)
    {
        var entry = ErrorCatalogue.Of(code);
        var response = context.Response;
        response.StatusCode = entry.Status;
        response.ContentType = ErrorResponse.JsonContentType;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        // Every 401 challenges (RFC 7235 §3.1), as the token endpoint's do: RFC 6749 §5.2 demands it where the client tried
        // HTTP Basic, and a client that sent its credentials in the form (or none) learns the scheme it may use instead.
        if (entry.Status == StatusCodes.Status401Unauthorized)
            response.Headers.WWWAuthenticate = "Basic realm=\"sightline\"";
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["code"] = entry.Code,
            ["message"] = description,
            ["error"] = error,
            ["error_description"] = description,
        }, Contract.ContractJson.Options);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }
}
