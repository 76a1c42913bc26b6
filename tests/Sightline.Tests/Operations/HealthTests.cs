using System.Net;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Operations;

/// <summary>/healthz and /readyz (issue 13): no client_id, 200 when ready, 500 with the contract's body naming what is not.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private TestServer server = null!;

    public async Task InitializeAsync() => server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Theory]
    [InlineData("/healthz", "live")]
    [InlineData("/readyz", "ready")]
    public async Task AnswersWithoutAClientId(string path, string message)
    {
        using var response = await server.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", json.RootElement.GetProperty("code").GetString());
        Assert.Equal(message, json.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task ReadinessNamesTheBlobStoreWhenNoFileCanBeWrittenAndLivenessStaysUp()
    {
        // A file where the temp folder should be: no photo can be written any more (chmod would not stop root).
        var temp = Path.Combine(server.DataDirectory, "tmp");
        if (Directory.Exists(temp))
            Directory.Delete(temp, recursive: true);
        await File.WriteAllTextAsync(temp, "not a folder");
        try
        {
            using var ready = await server.Http.GetAsync("/readyz");
            var message = await ContractAssert.Error(ready, "mapillary_internal_server_error");
            Assert.Contains("blob store", message);
            Assert.DoesNotContain("database", message);
            Assert.DoesNotContain(server.DataDirectory, message);

            using var live = await server.Http.GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }
        finally
        {
            File.Delete(temp);
        }
        using var again = await server.Http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task AnotherMethodIsNotFound()
    {
        using var response = await server.Http.PostAsync("/readyz", null);
        await ContractAssert.Error(response, "not_found");
    }
}
