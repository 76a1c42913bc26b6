using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Sightline.Demo;
using Sightline.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Sightline.Tests.Backends;

/// <summary>
/// <c>sightline migrate-storage</c> (issue 10): an embedded installation with the demo set, a user and a token is moved
/// onto PostgreSQL and the S3 peer, and a server on the new backends (over a new, empty data folder) serves it the same.
/// Runs only with <c>SIGHTLINE_TEST_DB=postgres</c>.
/// </summary>
public sealed class MigrateStorageTests(ITestOutputHelper log)
{
    private const string Password = "correct horse battery staple";

    [PostgresFact]
    public async Task DemoInstallationIsServedFromPostgresAndS3AfterTheMove()
    {
        var root = Path.Combine(Path.GetTempPath(), "sightline-tests");
        var source = Path.Combine(root, "migrate-from-" + Guid.NewGuid().ToString("N"));
        var target = Path.Combine(root, "migrate-to-" + Guid.NewGuid().ToString("N"));
        var name = "sightline_migrate_" + Guid.NewGuid().ToString("N");
        var s3 = (await S3Peer.GetAsync()).Configuration("migrate-" + Guid.NewGuid().ToString("N"));
        try
        {
            // The embedded default, whatever backend the test run selects for other servers.
            var embedded = new Dictionary<string, string?> { ["Storage:Database"] = "", ["Storage:Blobs"] = "", ["Storage:Redis"] = "" };
            string clientId, token, imageKey, image;
            byte[] thumbnail;
            await using (var before = await TestServer.StartAsync(embedded, dataDirectory: source))
            {
                (_, clientId, token) = await before.AddUserWithTokenAsync("mover", "user:read");
                var (demoClient, _) = await before.AddClientAsync("demo app");
                var uploaded = await DemoImagery.LoadAsync(before.Services, demoClient, before.BaseAddress, new StringWriter(), CancellationToken.None, photosPerStreet: 2);
                await UntilProcessedAsync(before, clientId, uploaded);
                var found = JsonDocument.Parse(await before.Http.GetStringAsync($"/v2/search/im?client_id={clientId}&limit=1")).RootElement;
                imageKey = found.GetProperty("ims")[0].GetProperty("key").GetString()!;
                image = Normalised(await before.Http.GetStringAsync($"/v2/im/{imageKey}?client_id={clientId}"), before);
                thumbnail = await before.Http.GetByteArrayAsync($"/{imageKey}/thumb-320.jpg");
            }

            var database = await PostgresPeer.CreateEmptyDatabaseAsync(name);
            Sightline.Storage.StorageServices.CommandSettings.Value = s3;
            var (exit, output, error) = await TestServer.RunCliAsync("", "migrate-storage", "--from", source,
                "--to-database", database, "--to-blobs", s3["Storage:Blobs"]!, "--json");
            log.WriteLine(output);
            Assert.True(exit == 0, error);
            var summary = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]).RootElement;
            Assert.True(summary.GetProperty("tables").GetProperty("images").GetInt64() >= 8);
            Assert.Equal(2, summary.GetProperty("tables").GetProperty("users").GetInt64()); // mover and demo
            Assert.True(summary.GetProperty("tables").GetProperty("access_tokens").GetInt64() >= 1);
            Assert.True(summary.GetProperty("tables").GetProperty("data_protection_keys").GetInt64() >= 1);
            Assert.True(summary.GetProperty("blobs").GetInt64() > 8);
            Assert.Contains("images:", output);

            // A second run finds the rows there and refuses, in one line.
            var (again, _, refused) = await TestServer.RunCliAsync("", "migrate-storage", "--from", source, "--to-database", database);
            Assert.NotEqual(0, again);
            Assert.Contains("is not empty", refused);
            Assert.Single(refused.TrimEnd().Split('\n'));

            var moved = new Dictionary<string, string?>(s3) { ["Storage:Database"] = database, ["Storage:Redis"] = "" };
            await using var after = await TestServer.StartAsync(moved, dataDirectory: target);
            await UntilProcessedAsync(after, clientId, 8);
            Assert.Equal(image, Normalised(await after.Http.GetStringAsync($"/v2/im/{imageKey}?client_id={clientId}"), after));
            Assert.Equal(thumbnail, await after.Http.GetByteArrayAsync($"/{imageKey}/thumb-320.jpg"));

            using (var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/me?client_id={clientId}"))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var me = await after.Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, me.StatusCode);
                Assert.Contains("mover", await me.Content.ReadAsStringAsync());
            }
            using (var browser = new Sightline.Tests.OAuth.Browser(after.BaseAddress))
                await browser.SignInAsync("mover", Password);

            // The identities went past the copied ids: a new user gets a fresh one.
            await after.AddUserAsync("after_the_move");
            Assert.False(Directory.Exists(Path.Combine(target, "originals")), "the moved server wrote originals to its data folder");
        }
        finally
        {
            Sightline.Storage.StorageServices.CommandSettings.Value = null;
            await PostgresPeer.DropDatabaseAsync(name);
            // The test run also gave each caller-owned data folder a database of its own (unused here: overridden).
            await PostgresPeer.DropDatabaseAsync(PostgresPeer.DatabaseName(source));
            await PostgresPeer.DropDatabaseAsync(PostgresPeer.DatabaseName(target));
            TestServer.DeleteData(source);
            TestServer.DeleteData(target);
        }
    }

    // URLs name the server's own address; the rest of the answer must be the same.
    private static string Normalised(string json, TestServer server) =>
        json.Replace(server.BaseAddress.GetLeftPart(UriPartial.Authority), "SERVER", StringComparison.Ordinal);

    private static async Task UntilProcessedAsync(TestServer server, string clientId, int images)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, "the images were not processed");
            var status = JsonDocument.Parse(await server.Http.GetStringAsync($"/v2/status?client_id={clientId}")).RootElement;
            if (status.GetProperty("images").GetInt64() >= images)
                return;
            await Task.Delay(100);
        }
    }
}
