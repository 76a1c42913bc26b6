using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Clients;

/// <summary>
/// The README's <c>curl '…'</c> examples, run against a server with the demo streets: each answers 200 with something in it.
/// Also: error messages are readable JSON (quotes not escaped as \u0027).
/// </summary>
[Collection(V2ClientsCollection.Name)]
public sealed partial class ReadmeExampleTests(V2ClientsServer fixture)
{
    [GeneratedRegex(@"^curl '(http://127\.0\.0\.1:5080/[^']*)'", RegexOptions.Multiline)]
    private static partial Regex CurlExample();

    [Fact]
    public async Task EveryCurlExampleOfTheReadmeReturnsSomethingOnTheDemoData()
    {
        var readme = await File.ReadAllTextAsync(ReadmePath());
        var examples = CurlExample().Matches(readme).Select(m => m.Groups[1].Value).ToList();
        Assert.True(examples.Count >= 5, $"only {examples.Count} curl examples found");
        foreach (var example in examples)
        {
            var url = example.Replace("http://127.0.0.1:5080", fixture.Server.BaseAddress.AbsoluteUri.TrimEnd('/'))
                .Replace("<demo client_id>", fixture.ClientId);
            Assert.DoesNotContain("<", url); // a placeholder this test does not know would make the example unrunnable
            using var response = await fixture.Server.Http.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{example}: {(int)response.StatusCode} {text}");
            var json = JsonDocument.Parse(text).RootElement;
            var lists = json.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).ToList();
            Assert.True(lists.Count == 0 || lists.Any(l => l.Value.GetArrayLength() > 0), $"{example} returned nothing: {text}");
            Assert.NotEmpty(json.EnumerateObject());
        }
    }

    [Fact]
    public async Task ErrorMessagesKeepTheirQuotesReadable()
    {
        using var response = await fixture.Server.Http.GetAsync($"/v2/s/k3Jd9aQpZ0xW1vB7nT4e2A?client_id={fixture.ClientId}");
        var message = await ContractAssert.Error(response, "not_found");
        Assert.Contains("'k3Jd9aQpZ0xW1vB7nT4e2A'", message);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\\u0027", raw);
        Assert.Contains("'k3Jd9aQpZ0xW1vB7nT4e2A'", raw);
    }

    private static string ReadmePath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "Sightline.slnx")))
                return candidate;
        }
        throw new InvalidOperationException("README.md not found above " + AppContext.BaseDirectory);
    }
}
