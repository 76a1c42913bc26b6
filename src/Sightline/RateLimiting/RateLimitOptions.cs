namespace Sightline.RateLimiting;

/// <summary>Request budgets per minute (configuration section <c>RateLimit</c>).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests per minute for one application (client_id), across all its users.</summary>
    public int ApplicationPerMinute { get; set; } = 6000;

    /// <summary>Requests per minute for one user token.</summary>
    public int TokenPerMinute { get; set; } = 3000;

    /// <summary>Requests per minute for one source address without a valid client_id (files, tiles, probes).</summary>
    public int AnonymousPerMinute { get; set; } = 3000;
}
