using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Sightline.Applications;
using Sightline.Demo;
using Sightline.Storage;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.WebApp;

/// <summary>
/// One server with a small demo set (the demo's four streets in Ghent, 10 photos each), two people and an administrator,
/// and one headless chromium, shared by the browser tests of the web app.
/// </summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    public const int PhotosPerStreet = 10;
    public const string Alice = "alice", Bob = "bob", Moderator = "mod";

    // Generous: WebGL in software on a shared two-core machine can take many seconds per step (never a timing assertion).
    public const int BrowserTimeoutMs = 120_000;

    public TestServer Server { get; private set; } = null!;
    public Chromium Chromium { get; private set; } = null!;
    public string DemoClientId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        DemoClientId = await DemoApplication.EnsureAsync(
            Server.Services.GetRequiredService<ISettingStore>(), Server.Services.GetRequiredService<IApplicationStore>());
        await DemoImagery.LoadAsync(Server.Services, DemoClientId, Server.BaseAddress, TextWriter.Null, CancellationToken.None, PhotosPerStreet);
        await Server.AddUserAsync(Alice, Password);
        await Server.AddUserAsync(Bob, Password);
        await Server.AdminAsync(Password + "\n", "users", "add", "--username", Moderator, "--email", "mod@example.org", "--admin");
        Chromium = await Chromium.LaunchAsync();
        await WaitForPublicImagesAsync(4 * PhotosPerStreet);
    }

    /// <summary>Waits until the search finds <paramref name="count"/> public images (all processed).</summary>
    public async Task WaitForPublicImagesAsync(int count)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var found = await Server.Http.GetFromJsonAsync<JsonElement>($"/v2/search/im?client_id={DemoClientId}&limit=1000");
            if (found.GetProperty("ims").GetArrayLength() >= count)
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the demo photos were not processed: fewer than {count} found");
    }

    /// <summary>The keys of a sequence in order, from the API.</summary>
    public async Task<string[]> SequenceKeysAsync(string sequenceKey)
    {
        var sequence = await Server.Http.GetFromJsonAsync<JsonElement>($"/v2/s/{sequenceKey}?client_id={DemoClientId}");
        return sequence.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!).ToArray();
    }

    public async Task<JsonElement> ImageAsync(string key) =>
        await Server.Http.GetFromJsonAsync<JsonElement>($"/v2/im/{key}?client_id={DemoClientId}");

    public string Url(string path) => new Uri(Server.BaseAddress, path).AbsoluteUri;

    /// <summary>A fresh browser context (a stranger: no session, no storage) on a page of the app.</summary>
    public async Task<IPage> OpenAsync(string path, int width = 1024, int height = 640)
    {
        var page = await Chromium.NewPageAsync(width, height);
        page.SetDefaultTimeout(BrowserTimeoutMs);
        await page.GotoAsync(Url(path));
        return page;
    }

    /// <summary>Signs in through the app's own button: the server's sign-in page (no consent page: the app is first-party), then back (PKCE).</summary>
    public static async Task SignInAsync(IPage page, string username)
    {
        page.SetDefaultTimeout(BrowserTimeoutMs);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => url.Contains("/signin", StringComparison.Ordinal) && !url.Contains("/signin/callback", StringComparison.Ordinal));
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync("#sign-out");
        // The account area shows the session as soon as the token is stored, a moment before the app leaves the callback.
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotDirectory, $"webapp-{name}.png") });

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        await Server.DisposeAsync();
    }
}
