using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Sightline.Storage;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Backends;

/// <summary>
/// Data Protection's keys (sign-in cookies, CSRF tokens) live in the database (issue 10): shared by every node on it,
/// kept across restarts, and those an older server kept in <c>--data/keys</c> are taken over.
/// </summary>
public sealed class DataProtectionKeyTests
{
    [Fact]
    public async Task ASignInCookieIssuedBeforeARestartStillWorksAndNoKeyLandsInTheDataFolder()
    {
        var server = await TestServer.StartAsync();
        try
        {
            await server.AddUserAsync("cookie_keeper", "correct horse battery staple");
            using (var browser = new OAuth.Browser(server.BaseAddress))
            {
                await browser.SignInAsync("cookie_keeper", "correct horse battery staple");
                var cookie = browser.Cookies.GetCookieHeader(server.BaseAddress);
                Assert.Equal(HttpStatusCode.OK, (await SettingsAsync(server, cookie)).StatusCode);

                server = await server.RestartAsync();
                Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "keys")));
                Assert.NotEmpty(await server.Services.GetRequiredService<IDataProtectionKeyStore>().AllAsync());
                // Still signed in: the restarted server reads the cookie with the key ring from the database.
                Assert.Equal(HttpStatusCode.OK, (await SettingsAsync(server, cookie)).StatusCode);
            }
            // Without the cookie the same page sends the person to sign in: the 200 above was the session's.
            Assert.Equal(HttpStatusCode.Redirect, (await SettingsAsync(server, cookie: null)).StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task KeysAnOlderServerKeptInTheDataFolderAreImportedOnce()
    {
        var data = Path.Combine(Path.GetTempPath(), "sightline-tests", "dp-" + Guid.NewGuid().ToString("N"));
        var keys = Path.Combine(data, "keys");
        try
        {
            // What an older server wrote: a key ring in --data/keys, and something sealed with it (a session cookie).
            var old = DataProtectionProvider.Create(new DirectoryInfo(keys), builder => builder.SetApplicationName("Sightline"));
            var sealedByOld = old.CreateProtector("cookie").Protect("still signed in");
            Assert.NotEmpty(Directory.GetFiles(keys, "*.xml"));

            await using (var server = await TestServer.StartAsync(dataDirectory: data))
                Assert.Equal("still signed in", Unprotect(server, sealedByOld));

            // The folder is not needed any more: the keys are in the database.
            Directory.Delete(keys, recursive: true);
            await using (var restarted = await TestServer.StartAsync(dataDirectory: data))
            {
                Assert.Equal("still signed in", Unprotect(restarted, sealedByOld));
                Assert.False(Directory.Exists(keys));
            }
        }
        finally
        {
            TestServer.DeleteData(data);
        }
    }

    private static string Unprotect(TestServer server, string sealedText) =>
        server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Unprotect(sealedText);

    private static async Task<HttpResponseMessage> SettingsAsync(TestServer server, string? cookie)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Get, "/settings");
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }
}
