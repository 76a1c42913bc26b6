using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Operations;

/// <summary>The Prometheus endpoint (issue 13): off by default, on with Metrics:Enabled, optionally on its own port; scraped and parsed.</summary>
public sealed partial class MetricsTests
{
    [Fact]
    public async Task OffUnlessEnabled()
    {
        await using var server = await TestServer.StartAsync();
        using var response = await server.Http.GetAsync("/metrics");
        await ContractAssert.Error(response, "not_found");
    }

    [Fact]
    public async Task ScrapeParsesAndCarriesRequestsBudgetRefusalsQueueIndexAndRuntime()
    {
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Metrics:Enabled"] = "true",
            ["RateLimit:ApplicationPerMinute"] = "3",
        });
        var (clientId, _) = await server.AddClientAsync();
        for (var i = 0; i < 5; i++)
            (await server.Http.GetAsync($"/v2/status?client_id={clientId}")).Dispose(); // the last ones are 429
        (await server.Http.GetAsync("/v2/u/nobody_here?client_id=unknown")).Dispose();

        var samples = await ScrapeAsync(server.Http, "/metrics");

        Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count"
                                      && s.Labels.GetValueOrDefault("http_route")?.TrimEnd('/') == "/v2/status"
                                      && s.Labels.GetValueOrDefault("http_response_status_code") == "200" && s.Value >= 1);
        Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count"
                                      && s.Labels.GetValueOrDefault("http_response_status_code") == "429");
        Assert.Contains(samples, s => s.Name.StartsWith("sightline_budget_refusals", StringComparison.Ordinal)
                                      && s.Labels.GetValueOrDefault("kind") == "application" && s.Value >= 1);
        Assert.Contains(samples, s => s.Name.StartsWith("sightline_processing_queue_depth", StringComparison.Ordinal) && s.Value == 0);
        Assert.Contains(samples, s => s.Name.StartsWith("sightline_search_index_images", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("sightline_search_changefeed_lag", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnItsOwnPortTheApiPortDoesNotServeIt()
    {
        var port = FreePort();
        await using var server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Metrics:Enabled"] = "true",
            ["Metrics:Port"] = port.ToString(CultureInfo.InvariantCulture),
        });
        using var onApiPort = await server.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, onApiPort.StatusCode);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var samples = await ScrapeAsync(http, "/metrics");
        Assert.NotEmpty(samples);
    }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    /// <summary>Fetches and parses the Prometheus text format; every line must be a comment, blank, or a well-formed sample.</summary>
    private static async Task<List<Sample>> ScrapeAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var samples = new List<Sample>();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
            var text = match.Groups["value"].Value;
            var value = text switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(text, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(match.Groups["name"].Value, labels, value));
        }
        return samples;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
