using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sightline.Search.Index;

namespace Sightline.Search.What3Words;

/// <summary>
/// Turns a what3words address into its 3 m square (spec §5 item 43: what3words is a proprietary service, so the lookup is
/// pluggable; with none configured, <c>/v2/search/im/w3w</c> answers not_found).
/// </summary>
public interface IWhat3WordsResolver
{
    /// <summary>The square the address names; null when the service knows no such address.</summary>
    Task<GeoBox?> SquareAsync(string words, CancellationToken cancellation);
}

/// <summary>Configuration section <c>What3Words</c>: the service's API key and address.</summary>
public sealed class What3WordsOptions
{
    /// <summary>The what3words API key; none (the default) leaves the lookup off.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The v3 API's base address: what3words' own, or a compatible service (a self-hosted or test one).</summary>
    public Uri Url { get; set; } = new("https://api.what3words.com/v3/");

    public double TimeoutSeconds { get; set; } = 10;
}

/// <summary>
/// The what3words public API v3 (<c>GET convert-to-coordinates?words=...&amp;key=...</c>): the answer's <c>square</c> is the
/// box; its error <c>BadWords</c> means no such address. Anything else it answers is the operator's to fix (a key refused,
/// a quota spent, the service down): it is thrown, so the caller gets the contract's internal error and the log has why.
/// </summary>
public sealed class What3WordsApi(HttpClient http, IOptions<What3WordsOptions> options) : IWhat3WordsResolver
{
    public async Task<GeoBox?> SquareAsync(string words, CancellationToken cancellation)
    {
        var settings = options.Value;
        var url = new Uri(settings.Url, $"convert-to-coordinates?words={Uri.EscapeDataString(words)}&key={Uri.EscapeDataString(settings.ApiKey ?? "")}&format=json");
        using var response = await http.GetAsync(url, cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        if (response.StatusCode == HttpStatusCode.BadRequest && ErrorCode(body) is "BadWords" or "BadWordsNotFound")
            return null;
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"what3words answered {(int)response.StatusCode} for '{words}': {Shorten(body)}");
        using var answer = JsonDocument.Parse(body);
        if (!answer.RootElement.TryGetProperty("square", out var square))
            throw new HttpRequestException($"what3words' answer for '{words}' has no square: {Shorten(body)}");
        var southwest = square.GetProperty("southwest");
        var northeast = square.GetProperty("northeast");
        return new GeoBox(southwest.GetProperty("lat").GetDouble(), southwest.GetProperty("lng").GetDouble(),
            northeast.GetProperty("lat").GetDouble(), northeast.GetProperty("lng").GetDouble());
    }

    private static string? ErrorCode(string body)
    {
        try
        {
            using var error = JsonDocument.Parse(body);
            return error.RootElement.TryGetProperty("error", out var e) && e.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string body) => body.Length <= 200 ? body : body[..200] + "...";
}

public static class What3WordsServices
{
    /// <summary>Registers the what3words lookup when <c>What3Words:ApiKey</c> is set; without it, none is registered.</summary>
    public static IServiceCollection AddWhat3Words(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<What3WordsOptions>().BindConfiguration("What3Words");
        if (string.IsNullOrWhiteSpace(configuration["What3Words:ApiKey"]))
            return services;
        services.AddHttpClient<IWhat3WordsResolver, What3WordsApi>((provider, http) =>
            http.Timeout = TimeSpan.FromSeconds(provider.GetRequiredService<IOptions<What3WordsOptions>>().Value.TimeoutSeconds));
        return services;
    }
}
