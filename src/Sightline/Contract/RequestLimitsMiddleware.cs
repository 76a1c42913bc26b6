using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Sightline.Contract;

/// <summary>Refuses a URL or header block over <see cref="RequestLimits"/> with the contract's 400.</summary>
public sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<RequestLimits> options)
{
    private readonly RequestLimits limits = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > limits.MaxUrlBytes)
            return ErrorResponse.WriteAsync(context, ErrorCode.ParameterInvalid, $"The URL is longer than {limits.MaxUrlBytes} bytes.");

        var headers = context.Request.Headers;
        if (headers.Count > limits.MaxHeaderCount)
            return ErrorResponse.WriteAsync(context, ErrorCode.ParameterInvalid, $"The request has more than {limits.MaxHeaderCount} headers.");
        long size = 0;
        foreach (var (name, values) in headers)
        {
            size += name.Length + 4;
            foreach (var value in values)
                size += value?.Length ?? 0;
        }
        if (size > limits.MaxHeaderBytes)
            return ErrorResponse.WriteAsync(context, ErrorCode.ParameterInvalid, $"The request headers are larger than {limits.MaxHeaderBytes} bytes.");

        var bodySize = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
            bodySize.MaxRequestBodySize = limits.MaxBodyBytes;
        if (context.Request.ContentLength > limits.MaxBodyBytes)
            return ErrorResponse.WriteAsync(context, ErrorCode.ParameterInvalid, $"The request body is larger than {limits.MaxBodyBytes} bytes.");
        return next(context);
    }
}
