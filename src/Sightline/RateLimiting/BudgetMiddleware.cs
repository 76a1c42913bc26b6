using System.Globalization;
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
        {
            var headers = context.Response.Headers;
            headers["RateLimit-Policy"] = PolicyText(standing.Quota, standing.WindowSeconds);
            headers["RateLimit"] = $"\"default\";r={standing.Remaining};t={standing.ResetSeconds}";
        }

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
