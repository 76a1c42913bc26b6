namespace Sightline.Contract;

/// <summary>
/// The only place that knows each error code's HTTP status, wire name and default message.
/// </summary>
public static class ErrorCatalogue
{
    public sealed record Entry(int Status, string Code, string DefaultMessage);

    private static readonly Dictionary<ErrorCode, Entry> Entries = new()
    {
        [ErrorCode.ParameterMissing] = new(400, "parameter_missing", "One or more parameters are missing."),
        [ErrorCode.ParameterInvalid] = new(400, "parameter_invalid", "One or more parameters are invalid."),
        [ErrorCode.ClientIdDiffer] = new(401, "client_id_differ", "The provided client_id differs from the one the token was issued to."),
        [ErrorCode.ClientIdInvalid] = new(401, "client_id_invalid", "The provided client_id is not a registered, enabled application."),
        [ErrorCode.ClientIdMissing] = new(401, "client_id_missing", "This API call needs a client_id query parameter."),
        [ErrorCode.UserNotAuthenticated] = new(401, "user_not_authenticated", "User not authenticated: send a valid token as 'Authorization: Bearer <token>'."),
        [ErrorCode.NotFound] = new(404, "not_found", "Resource not found."),
        [ErrorCode.TooManyRequests] = new(429, "too_many_requests", "Too many requests: you are over your limit, retry after the time given in Retry-After."),
        [ErrorCode.InternalServerError] = new(500, "mapillary_internal_server_error", "Internal Error: unknown"),
    };

    /// <summary>Every status a response of this server may carry (CONTRACT.md §1).</summary>
    public static readonly IReadOnlySet<int> AllowedStatuses = new HashSet<int> { 200, 302, 400, 401, 404, 429, 500 };

    public static Entry Of(ErrorCode code) => Entries[code];

    public static IEnumerable<Entry> All => Entries.Values;
}
