using Microsoft.Playwright;

namespace Sightline.Tests.Infrastructure;

/// <summary>
/// Debian's headless chromium driven through Playwright: the one way the tests open a real browser.
/// Playwright never downloads a browser here; it is pointed at the system one (installed by .ci/run).
/// WebGL (MapLibre, photo viewers) is drawn in software through SwiftShader.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright playwright;

    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Where tests save screenshots for a person to look at (kept by CI as artifacts).</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var directory = Environment.GetEnvironmentVariable("SIGHTLINE_SCREENSHOTS")
                ?? Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                "--ignore-gpu-blocklist", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>
    /// A fresh browser context (no cookies, no storage) with a page of the given size: by default a small laptop's
    /// (SwiftShader draws every pixel of WebGL on the CPU, so the size is what a browser test costs).
    /// </summary>
    public async Task<IPage> NewPageAsync(int width = 1024, int height = 640)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Closes every context (and its pages) still open. A page left open goes on drawing WebGL in software and polling
    /// the server, so a class that opens pages in each test closes them after each test.
    /// </summary>
    public async Task CloseContextsAsync()
    {
        foreach (var context in Browser.Contexts.ToArray())
            await context.CloseAsync();
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sightline.slnx")))
                return directory.FullName;
        }
        throw new InvalidOperationException("Sightline.slnx not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        playwright.Dispose();
    }
}
