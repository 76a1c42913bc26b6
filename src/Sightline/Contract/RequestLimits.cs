namespace Sightline.Contract;

/// <summary>
/// Sizes over which a request is refused with 400 <c>parameter_invalid</c> (configuration section
/// <c>Limits</c>). Kestrel's own limits sit far above these so that it never answers 414 or 431 itself.
/// </summary>
public sealed class RequestLimits
{
    public int MaxUrlBytes { get; set; } = 16 * 1024;
    public int MaxHeaderBytes { get; set; } = 64 * 1024;
    public int MaxHeaderCount { get; set; } = 200;
    public long MaxBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Kestrel's hard limits: the contract's limits plus headroom.</summary>
    public const int TransportMaxRequestLine = 1024 * 1024;
    public const int TransportMaxHeaders = 1024 * 1024;
    public const int TransportMaxBuffer = 2 * 1024 * 1024;
    public const int TransportMaxHeaderCount = 10_000;
}
