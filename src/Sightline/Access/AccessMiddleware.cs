using Sightline.Contract;

namespace Sightline.Access;

/// <summary>
/// Runs after routing and judges a request in the contract's order (CONTRACT.md §4):
/// route, client, token, scope; parameters and objects are the handler's.
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var failure = Judge(context);
        return failure is null ? next(context) : ErrorResponse.WriteAsync(context, failure);
    }

    private static ApiException? Judge(HttpContext context)
    {
        // The last AccessPolicy wins, so a route's own policy overrides its group's.
        var policy = context.GetEndpoint()?.Metadata.GetOrderedMetadata<AccessPolicy>().LastOrDefault();
        if (policy is null)
            return new ApiException(ErrorCode.NotFound, "No such API: check the path and the HTTP method.");

        var caller = Caller.From(context);
        if (policy.RequiresClient)
        {
            if (string.IsNullOrEmpty(caller.ClientId))
                return new ApiException(ErrorCode.ClientIdMissing, "This API call needs a client_id query parameter.");
            if (caller.Application is null)
                return new ApiException(ErrorCode.ClientIdInvalid, "The client_id is not a registered, enabled application.");
        }

        if (caller.HasAuthorizationHeader && !policy.ClientAuthenticatesItself)
        {
            if (caller.Token is null)
                return new ApiException(ErrorCode.UserNotAuthenticated,
                    "The Authorization header must be 'Bearer <token>' with a valid, unrevoked token.");
            if (caller.Application is not null && caller.Token.ApplicationId != caller.Application.Id)
                return new ApiException(ErrorCode.ClientIdDiffer, "The token was issued to another application than this client_id.");
        }

        if (policy.RequiredScope is { } scope && caller.Token?.HasScope(scope) != true)
            return ApiException.NeedsScope(scope, hasToken: caller.Token is not null);

        if (!PercentEncoding.IsWellFormed(context.Request.QueryString.Value))
            return new ApiException(ErrorCode.ParameterInvalid, "The query string must be percent-encoded UTF-8 text without control characters (such as %00).");
        return null;
    }
}
