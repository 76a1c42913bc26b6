namespace Sightline.Contract;

/// <summary>
/// A failure of the API contract, thrown anywhere in a request and turned into the
/// catalogue's status and <c>{"code","message"}</c> body by <see cref="ContractMiddleware"/>.
/// </summary>
public sealed class ApiException(ErrorCode code, string? message = null) : Exception(message ?? ErrorCatalogue.Of(code).DefaultMessage)
{
    public ErrorCode Code { get; } = code;

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
            : $"This call needs a user token with the {scope} scope: send 'Authorization: Bearer <token>'.");
}
