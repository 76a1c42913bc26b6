using System.Text.Json;

namespace Sightline.Contract;

/// <summary>
/// Outermost middleware: whatever happens inside (an <see cref="ApiException"/>, a framework
/// rejection, an unexpected exception), the answer leaves with a status and body of the contract.
/// </summary>
public sealed class ContractMiddleware(RequestDelegate next, ILogger<ContractMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state => CoerceStatusAndMediaType((HttpResponse)state), context.Response);
        // Method names are case-sensitive (RFC 9110 §9.1): "get" is an unknown method, which routing would match as GET. The
        // body is written here, whatever the method: Kestrel sends it for "head" (not HEAD), where helpers that compare
        // methods ignoring case would leave it out.
        if (context.Request.Method.AsSpan().ContainsAnyInRange('a', 'z'))
        {
            var body = ErrorResponse.Body(ErrorCode.NotFound, "No such API: check the path and the HTTP method.");
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = ErrorResponse.JsonContentType;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }
        try
        {
            await next(context);
        }
        catch (ApiException error) when (!context.Response.HasStarted)
        {
            await ErrorResponse.WriteAsync(context, error);
            return;
        }
        catch (BadHttpRequestException error) when (!context.Response.HasStarted)
        {
            await ErrorResponse.WriteAsync(context, ErrorCode.ParameterInvalid, DescribeUnreadableRequest(error.StatusCode));
            return;
        }
        catch (JsonException) when (!context.Response.HasStarted)
        {
            await ErrorResponse.WriteAsync(context, ErrorCode.ParameterInvalid, "The request body is not valid JSON of the expected shape.");
            return;
        }
        catch (InvalidDataException error) when (!context.Response.HasStarted && RequestBodyMiddleware.IsMalformedForm(error))
        {
            await ErrorResponse.WriteAsync(context, ErrorCode.ParameterInvalid, "The request body is not percent-encoded UTF-8 text.");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the caller went away; nobody is left to answer
        }
        catch (Exception error) when (!context.Response.HasStarted && Storage.StoreFailures.IsGoneReference(error))
        {
            // A write raced the deletion of what it refers to (a comment on a photo its owner just deleted): nothing was
            // written, and the object is gone, which is what the caller hears (CONTRACT.md §3), not an internal error.
            logger.LogInformation("A write on {Method} {Path} referred to an object deleted meanwhile", context.Request.Method, context.Request.Path);
            await ErrorResponse.WriteAsync(context, ErrorCode.NotFound, "The object this request refers to was deleted meanwhile.");
            return;
        }
        catch (Exception error)
        {
            var incident = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
            logger.LogError(error, "Incident {Incident}: unhandled exception on {Method} {Path}", incident, context.Request.Method, context.Request.Path);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }
            await ErrorResponse.WriteAsync(context, ErrorCode.InternalServerError, $"Internal Error: {incident}");
            return;
        }

        if (!context.Response.HasStarted)
            await ReplaceBodilessFailure(context);
    }

    // The framework sometimes answers on its own with a bare status (no route, wrong method,
    // unreadable body, CORS preflight); give those their contract form.
    private static Task ReplaceBodilessFailure(HttpContext context)
    {
        var status = context.Response.StatusCode;
        if (status < 400)
            return Task.CompletedTask;
        return status switch
        {
            404 or 405 or 403 => ErrorResponse.WriteAsync(context, ErrorCode.NotFound, "No such API: check the path and the HTTP method."),
            401 => ErrorResponse.WriteAsync(context, ErrorCode.UserNotAuthenticated),
            429 => ErrorResponse.WriteAsync(context, ErrorCode.TooManyRequests),
            >= 500 => ErrorResponse.WriteAsync(context, ErrorCode.InternalServerError, "Internal Error: unknown"),
            _ => ErrorResponse.WriteAsync(context, ErrorCode.ParameterInvalid, DescribeUnreadableRequest(status)),
        };
    }

    private static string DescribeUnreadableRequest(int status) => status switch
    {
        413 => "The request body is larger than this server accepts.",
        414 => "The URL is longer than this server accepts.",
        415 => "The request body has a media type this call does not accept.",
        431 => "The request headers are larger than this server accepts.",
        _ => "The request could not be read: check the parameters, headers and body.",
    };

    // Last guard for anything already on its way out with a status outside the whitelist, or with
    // another spelling of the JSON media type (OpenIddict writes "application/json;charset=UTF-8").
    private static Task CoerceStatusAndMediaType(HttpResponse response)
    {
        if (response.ContentType is { } type && type != ErrorResponse.JsonContentType
            && type.Replace(" ", "").Equals("application/json;charset=utf-8", StringComparison.OrdinalIgnoreCase))
            response.ContentType = ErrorResponse.JsonContentType;
        response.StatusCode = StatusThatLeaves(response.StatusCode);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The status a response set to <paramref name="status"/> leaves with: the contract's whitelist, applied when the
    /// response starts (so the access log, which may finish first, asks here rather than reading a 204 that never left).
    /// </summary>
    public static int StatusThatLeaves(int status) => ErrorCatalogue.AllowedStatuses.Contains(status) ? status : status switch
    {
        < 300 => 200,
        < 400 => 302,
        403 or 405 => 404,
        < 500 => 400,
        _ => 500,
    };
}
