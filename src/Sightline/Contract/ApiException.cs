namespace Sightline.Contract;

/// <summary>
/// A failure of the API contract, thrown anywhere in a request and turned into the
/// catalogue's status and <c>{"code","message"}</c> body by <see cref="ContractMiddleware"/>.
/// </summary>
public sealed class ApiException(ErrorCode code, string? message = null) : Exception(message ?? ErrorCatalogue.Of(code).DefaultMessage)
{
    public ErrorCode Code { get; } = code;

    /// <summary>
    /// For a token that lacks the scope a call needs, that scope (RFC 6750 §3.1 <c>insufficient_scope</c>), or "" when the call
    /// takes one of several; null for every other failure.
    /// </summary>
    public string? LackedScope { get; private init; }

    public static ApiException Missing(string parameter) =>
        new(ErrorCode.ParameterMissing, $"{parameter} is required.");

    public static ApiException Invalid(string parameter, string expectation) =>
        new(ErrorCode.ParameterInvalid, $"{parameter} {expectation}.");

    public static ApiException NotFound(string what) =>
        new(ErrorCode.NotFound, $"{what} not found.");

    /// <summary>A scope the call needs is missing: without a token, a token with it is asked for; with one, it lacks it.</summary>
    public static ApiException NeedsScope(string scope, bool hasToken) =>
        new(ErrorCode.UserNotAuthenticated, hasToken
            ? $"The token lacks the {scope} scope this call needs."
            : $"This call needs a user token with the {scope} scope: send 'Authorization: Bearer <token>'.")
        {
            LackedScope = hasToken ? (scope.Contains(' ') ? "" : scope) : null,
        };
}
