using System.Text.Json;
using Microsoft.Playwright;

namespace Sightline.Tests.WebApp;

// The web app by keyboard and on a slow network (audit of the web app, items 3 and 7).
public sealed partial class WebAppBrowserTests
{
    [Fact]
    public async Task TheViewersLabelledTabStopTakesTheArrowKeys()
    {
        var keys = await DemoSequenceAsync(street: 3);
        var page = await app.OpenAsync($"/?pKey={keys[1]}");
        await ShownPhotoAsync(page, keys[1]);

        // Backwards from the pane's first button: the first stop named as the viewer. Its keys are the viewer's.
        await page.FocusAsync("#photo-prev");
        for (var i = 0; i < 4 && !await FocusedOnTheViewerAsync(page); i++)
            await page.Keyboard.PressAsync("Shift+Tab");
        Assert.True(await FocusedOnTheViewerAsync(page), "no tab stop named as the photo viewer before its buttons");
        Assert.Equal(1, await page.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('#viewer, #viewer *')].filter(e => e.tabIndex >= 0 && e.getClientRects().length).length"));

        await page.Keyboard.PressAsync("Alt+ArrowUp");
        Assert.Equal(keys[2], await ShownPhotoAsync(page, keys[2]));
        await page.WaitForFunctionAsync($"() => location.search.includes('pKey={keys[2]}')");
        await page.Keyboard.PressAsync("Alt+ArrowDown");
        Assert.Equal(keys[1], await ShownPhotoAsync(page, keys[1]));
        Assert.True(await FocusedOnTheViewerAsync(page), "the viewer lost the focus");
    }

    private static Task<bool> FocusedOnTheViewerAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.activeElement?.getAttribute('aria-label')?.startsWith('Photo viewer') === true");
}
