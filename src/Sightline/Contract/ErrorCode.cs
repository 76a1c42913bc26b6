namespace Sightline.Contract;

/// <summary>The closed list of failure codes of the v2 error contract (seed/errors.md, CONTRACT.md §3).</summary>
public enum ErrorCode
{
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
