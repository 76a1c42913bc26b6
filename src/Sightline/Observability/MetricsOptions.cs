namespace Sightline.Observability;

/// <summary>The <c>Metrics</c> section: the Prometheus endpoint is off unless enabled, and may listen on its own port.</summary>
public sealed class MetricsOptions
{
    public bool Enabled { get; set; }

    /// <summary>When set, <c>/metrics</c> answers only on this port (on the same addresses' host), not on the API's.</summary>
    public int? Port { get; set; }

    /// <summary>The loopback interface only for the separate port unless told otherwise: metrics are for the operator.</summary>
    public string Host { get; set; } = "127.0.0.1";
}
