namespace Sightline.Client;

/// <summary>The Sightline error catalogue as seen by a caller, plus <see cref="Unknown"/> for anything outside it.</summary>
public enum SightlineErrorCode
{
    /// <summary>The answer carried no code of the catalogue, or no readable error body at all.</summary>
    Unknown = 0,

    /// <summary><c>parameter_missing</c> (400): a required parameter is absent or empty; the message names it.</summary>
    ParameterMissing,

    /// <summary><c>parameter_invalid</c> (400): a parameter is malformed or out of range, or the body is unreadable.</summary>
    ParameterInvalid,

    /// <summary><c>client_id_differ</c> (401): the bearer token was issued to another application than the <c>client_id</c>.</summary>
    ClientIdDiffer,

    /// <summary><c>client_id_invalid</c> (401): the <c>client_id</c> is not a registered, enabled application.</summary>
    ClientIdInvalid,

    /// <summary><c>client_id_missing</c> (401): no <c>client_id</c> was sent.</summary>
    ClientIdMissing,

    /// <summary><c>user_not_authenticated</c> (401): the call needs a user, or the token is unknown, revoked or lacks the scope named in the message.</summary>
    UserNotAuthenticated,

    /// <summary><c>not_found</c> (404): no such API, no such object, or one the caller may not see.</summary>
    NotFound,

    /// <summary><c>too_many_requests</c> (429): over budget; <see cref="SightlineApiException.RetryAfter"/> says when to come back.</summary>
    TooManyRequests,

    /// <summary><c>mapillary_internal_server_error</c> (500): the server failed; the message holds the incident id it logged.</summary>
    InternalServerError,
}
