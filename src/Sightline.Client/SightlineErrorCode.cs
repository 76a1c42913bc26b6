namespace Sightline.Client;

/// <summary>The Sightline error catalogue as seen by a caller, plus <see cref="Unknown"/> for anything outside it.</summary>
public enum SightlineErrorCode
{
    /// <summary>The answer carried no code of the catalogue, or no readable error body at all.</summary>
    Unknown = 0,
    ParameterMissing,
    ParameterInvalid,
    ClientIdDiffer,
    ClientIdInvalid,
    ClientIdMissing,
    UserNotAuthenticated,
    NotFound,
    TooManyRequests,
    InternalServerError,
}
