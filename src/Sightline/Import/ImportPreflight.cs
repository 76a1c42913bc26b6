using System.Net;
using System.Text.Json;

namespace Sightline.Import;

/// <summary>
/// One call pair before any photo is sent: the server answers, the client_id is a registered, enabled application, and
/// the token is valid for it with the upload scope. A failure is one message for the person, not one per photo.
/// </summary>
public static class ImportPreflight
{
    /// <summary>Null when the import may go on; otherwise the reason, as one sentence.</summary>
    public static async Task<string?> CheckAsync(HttpClient http, string clientId, string? project, CancellationToken cancellation)
    {
        var client = Uri.EscapeDataString(clientId);
        try
        {
            using var status = await http.GetAsync($"/v2/status?client_id={client}", cancellation);
            if (status.StatusCode != HttpStatusCode.OK)
                return await ExplainAsync(status, "the server refused the client_id", cancellation);
            if (project is null)
            {
                // Public uploads need public:upload, which this call asks for.
                using var uploads = await http.GetAsync($"/v2/me/uploads/status?client_id={client}", cancellation);
                return uploads.StatusCode == HttpStatusCode.OK ? null : await ExplainAsync(uploads, "the token cannot upload", cancellation);
            }
            // Uploads into a project need private:upload, which asking for an upload with project=KEY needs too: an
            // upload key no one uses then answers not_found, and a token without that scope user_not_authenticated.
            using var probe = await http.GetAsync(
                $"/v2/me/uploads/images/{ProbeKey}?project={Uri.EscapeDataString(project)}&client_id={client}", cancellation);
            if (probe.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound)
                return null;
            return await ExplainAsync(probe, "the token cannot upload into projects", cancellation);
        }
        catch (HttpRequestException e)
        {
            return $"cannot reach the server at {http.BaseAddress}: {e.Message}";
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return $"the server at {http.BaseAddress} did not answer in time";
        }
    }

    private const string ProbeKey = "sightline-import-preflight";

    private static async Task<string> ExplainAsync(HttpResponseMessage response, string fallback, CancellationToken cancellation)
    {
        var (code, message) = await ErrorOf(response, cancellation);
        return code switch
        {
            "client_id_missing" or "client_id_invalid" =>
                $"--client-id is not a registered, enabled application on this server ({message})",
            "client_id_differ" => $"--token was issued to another application than --client-id ({message})",
            "user_not_authenticated" => $"--token is not valid on this server, was revoked, or lacks the upload scope ({message})",
            "parameter_invalid" => $"--project is not a project key ({message})",
            "too_many_requests" => $"the server is rate limiting this client; retry after {response.Headers.RetryAfter?.Delta?.TotalSeconds ?? 60} s",
            _ => $"{fallback}: {(int)response.StatusCode} {code} {message}".TrimEnd(),
        };
    }

    private static async Task<(string? Code, string? Message)> ErrorOf(HttpResponseMessage response, CancellationToken cancellation)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation));
            return (json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null,
                json.RootElement.TryGetProperty("message", out var message) ? message.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null); // not this server's error body: something else answers at that address
        }
    }
}
