using System.Globalization;
using Microsoft.Net.Http.Headers;
using Sightline.Access;
using Sightline.Applications;
using Sightline.Contract;
using Sightline.Tokens;

namespace Sightline.RateLimiting;

/// <summary>
/// First judge of every request (CONTRACT.md §4, "budget first"): finds the caller, spends its
/// budget, sends the IETF RateLimit fields, and answers 429 when the budget is spent.
/// </summary>
public sealed class BudgetMiddleware(RequestDelegate next, Budgets budgets, ApplicationCache applications, TokenCache tokens)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var caller = await Caller.ResolveAsync(context, applications, tokens);
        context.Features.Set(caller);

        if (IsPreflight(context.Request))
        {
            // CONTRACT.md §1: a CORS preflight is answered 200. It is never refused and spends nothing: a browser reads no
            // answer to a refused preflight (not even a 429's Retry-After), and the request it clears is counted itself.
            if (await budgets.PeekAsync(caller) is { } peeked)
                SetFields(context, peeked);
            await next(context);
            return;
        }

        Budgets.Verdict verdict;
        try
        {
            verdict = await budgets.SpendAsync(caller, context.Connection.RemoteIpAddress);
        }
        catch (Exception e) when (e is not OperationCanceledException && context.GetEndpoint()?.Metadata.GetMetadata<Probe>() is not null)
        {
            // The health probes are how an operator learns that the budgets' store (Redis) is down: they answer, uncounted,
            // and /readyz names it. Every other request it breaks is a 500 (ContractMiddleware).
            await next(context);
            return;
        }
        if (verdict.Application is { } standing)
            SetFields(context, standing);

        if (!verdict.Granted)
        {
            Observability.SightlineMeter.BudgetRefusals.Add(1, new KeyValuePair<string, object?>("kind", KindName(verdict.RefusedBy)));
            context.Response.Headers.RetryAfter = verdict.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await ErrorResponse.WriteAsync(context, ErrorCode.TooManyRequests,
                $"Too many requests: this budget is spent, retry after {verdict.RetryAfterSeconds} second{(verdict.RetryAfterSeconds == 1 ? "" : "s")}.");
            return;
        }
        await next(context);
    }

    /// <summary>A CORS preflight, as UseCors takes one: OPTIONS with Origin and Access-Control-Request-Method.</summary>
    public static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey(HeaderNames.Origin)
        && request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod);

    private void SetFields(HttpContext context, Budgets.Standing standing)
    {
        var headers = context.Response.Headers;
        headers["RateLimit-Policy"] = PolicyText(standing.Quota, standing.WindowSeconds);
        headers["RateLimit"] = $"\"default\";r={standing.Remaining};t={standing.ResetSeconds}";
    }

    // The policy's text is the same on every answer while the quota is: made once, not per request.
    private sealed record Policy(int Quota, int WindowSeconds, string Text);

    private Policy? policy;

    private string PolicyText(int quota, int windowSeconds)
    {
        var known = policy;
        if (known is null || known.Quota != quota || known.WindowSeconds != windowSeconds)
            policy = known = new Policy(quota, windowSeconds, $"\"default\";q={quota};w={windowSeconds}");
        return known.Text;
    }

    /// <summary>Endpoint metadata of the health probes: answered even when the budgets cannot be counted.</summary>
    public sealed class Probe
    {
        public static readonly Probe Marker = new();
    }

    private static string KindName(Budgets.Kind? kind) => kind switch
    {
        Budgets.Kind.Application => "application",
        Budgets.Kind.Token => "token",
        _ => "address",
    };
}
