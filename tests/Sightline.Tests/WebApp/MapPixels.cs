using System.Text.Json;
using Microsoft.Playwright;

namespace Sightline.Tests.WebApp;

/// <summary>Reads the map's WebGL canvas in the page: how many pixels have the coverage lines' colour, and where.</summary>
public static class MapPixels
{
    // The coverage line colour (#0a7d3b), with room for antialiasing.
    private const string Script = """
        () => {
          const canvas = window.sightlineMap.getCanvas();
          const copy = document.createElement('canvas');
          copy.width = canvas.width; copy.height = canvas.height;
          const context = copy.getContext('2d');
          context.drawImage(canvas, 0, 0);
          const data = context.getImageData(0, 0, copy.width, copy.height).data;
          const hits = [];
          for (let i = 0; i < data.length; i += 4) {
            if (Math.abs(data[i] - 10) < 28 && Math.abs(data[i + 1] - 125) < 28 && Math.abs(data[i + 2] - 59) < 28) hits.push(i / 4);
          }
          const ratio = canvas.width / canvas.clientWidth;
          const middle = hits[Math.floor(hits.length / 2)];
          const rect = canvas.getBoundingClientRect();
          return { count: hits.length, x: hits.length ? rect.left + (middle % canvas.width) / ratio : 0, y: hits.length ? rect.top + Math.floor(middle / canvas.width) / ratio : 0 };
        }
        """;

    public sealed record Reading(int Count, double X, double Y);

    public static async Task<Reading> ReadAsync(IPage page)
    {
        var result = await page.EvaluateAsync<JsonElement>(Script);
        return new Reading(result.GetProperty("count").GetInt32(), result.GetProperty("x").GetDouble(), result.GetProperty("y").GetDouble());
    }

    /// <summary>The colour ("#rrggbb") the map shows at each of <paramref name="places"/> (longitude, latitude).</summary>
    public static async Task<string[]> ColoursAtAsync(IPage page, params (double Lon, double Lat)[] places) =>
        await page.EvaluateAsync<string[]>("""
            places => {
              const map = window.sightlineMap, canvas = map.getCanvas();
              const copy = document.createElement('canvas');
              copy.width = canvas.width; copy.height = canvas.height;
              const context = copy.getContext('2d');
              context.drawImage(canvas, 0, 0);
              const ratio = canvas.width / canvas.clientWidth;
              return places.map(([lon, lat]) => {
                const point = map.project([lon, lat]);
                const [r, g, b] = context.getImageData(Math.round(point.x * ratio), Math.round(point.y * ratio), 1, 1).data;
                return '#' + [r, g, b].map(c => c.toString(16).padStart(2, '0')).join('');
              });
            }
            """, places.Select(p => new[] { p.Lon, p.Lat }).ToArray());

    /// <summary>Waits until the offline basemap (water, land, coasts, borders) is drawn, with every tile in view.</summary>
    public static async Task WaitForBasemapAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => window.sightlineMap?.getLayer('water') && window.sightlineMap.loaded() && window.sightlineMap.areTilesLoaded()",
            null, new PageWaitForFunctionOptions { PollingInterval = 100 });
        await page.EvaluateAsync("() => new Promise(resolve => { window.sightlineMap.once('idle', () => resolve(true)); window.sightlineMap.triggerRepaint(); })");
    }

    /// <summary>Waits until the map has loaded its style and every tile in view.</summary>
    public static Task WaitForMapAsync(IPage page) =>
        page.WaitForFunctionAsync("() => window.sightlineMap && window.sightlineMap.getLayer('coverage-lines') && window.sightlineMap.loaded() && window.sightlineMap.areTilesLoaded()",
            null, new PageWaitForFunctionOptions { PollingInterval = 100 });
}
