using System.Net;
using System.Text.Json;

namespace Sightline.Tests.Infrastructure;

/// <summary>Checks that an answer is a well-formed failure of the contract (CONTRACT.md §1-3).</summary>
public static class ContractAssert
{
    public static readonly IReadOnlyDictionary<string, int> Catalogue = new Dictionary<string, int>
    {
        ["parameter_missing"] = 400,
        ["parameter_invalid"] = 400,
        ["client_id_differ"] = 401,
        ["client_id_invalid"] = 401,
        ["client_id_missing"] = 401,
        ["user_not_authenticated"] = 401,
        ["not_found"] = 404,
        ["too_many_requests"] = 429,
        ["mapillary_internal_server_error"] = 500,
    };

    public static readonly IReadOnlySet<int> AllowedStatuses = new HashSet<int> { 200, 302, 400, 401, 404, 429, 500 };

    /// <summary>Asserts status, content type, body shape and code; returns the message.</summary>
    public static async Task<string> Error(HttpResponseMessage response, string code)
    {
        var (actualCode, message) = await ErrorBody(response);
        Assert.Equal(code, actualCode);
        Assert.Equal(Catalogue[code], (int)response.StatusCode);
        return message;
    }

    /// <summary>Asserts that a failure answer has the contract's body and a code matching its status.</summary>
    public static async Task<(string Code, string Message)> ErrorBody(HttpResponseMessage response)
    {
        Assert.Contains((int)response.StatusCode, AllowedStatuses);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var names = root.EnumerateObject().Select(p => p.Name).OrderBy(n => n).ToArray();
        Assert.Equal(["code", "message"], names);
        var code = root.GetProperty("code").GetString()!;
        var message = root.GetProperty("message").GetString()!;
        Assert.True(Catalogue.TryGetValue(code, out var status), $"code '{code}' is not in the catalogue");
        Assert.Equal(status, (int)response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(message));
        AssertNothingLeaks(message);
        return (code, message);
    }

    public static void AssertNothingLeaks(string message)
    {
        foreach (var forbidden in new[] { "Exception", "   at ", "SQLite", "SELECT ", "/work/", "/tmp/", "System.", "Microsoft." })
            Assert.DoesNotContain(forbidden, message);
    }

    public static HttpStatusCode Status(string code) => (HttpStatusCode)Catalogue[code];
}
