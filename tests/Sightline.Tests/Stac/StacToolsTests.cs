using System.Text.Json;

namespace Sightline.Tests.Stac;

/// <summary>
/// /api against STAC tools nobody here wrote (tests/stac-clients): stac-node-validator checks every kind of answer against
/// the STAC 1.0.0 schemas and each declared extension (vendored, nothing fetched), and stac-js walks the catalogue.
/// </summary>
[Collection(StacArchiveCollection.Name)]
public sealed class StacToolsTests(StacArchive archive)
{
    [Fact]
    public async Task EveryKindOfAnswerValidatesWithStacNodeValidator()
    {
        var folder = Path.Combine(archive.Server.DataDirectory, "stac-answers");
        Directory.CreateDirectory(folder);
        var collections = (await archive.GetJsonAsync("/api/collections")).GetProperty("collections").EnumerateArray().ToList();
        var sequence = collections[0].GetProperty("id").GetString()!;
        var items = (await archive.GetJsonAsync($"/api/collections/{sequence}/items?limit=100")).GetProperty("features").EnumerateArray().ToList();
        var demo = (await archive.GetJsonAsync("/api/users/search?q=demo")).GetProperty("features")[0].GetProperty("id").GetString()!;
        var answers = new Dictionary<string, JsonElement>
        {
            ["landing"] = await archive.GetJsonAsync("/api"),
            ["collections"] = await archive.GetJsonAsync("/api/collections?limit=2"),
            ["collection"] = await archive.GetJsonAsync($"/api/collections/{sequence}"),
            ["items"] = await archive.GetJsonAsync($"/api/collections/{sequence}/items?limit=3"),
            ["item-first"] = await archive.GetJsonAsync($"/api/collections/{sequence}/items/{items[0].GetProperty("id").GetString()}"),
            ["item-middle"] = await archive.GetJsonAsync($"/api/collections/{sequence}/items/{items[3].GetProperty("id").GetString()}"),
            ["search-bbox"] = await archive.GetJsonAsync("/api/search?bbox=3.715,51.050,3.730,51.060&limit=50"),
            ["search-ids"] = await archive.GetJsonAsync($"/api/search?ids={items[1].GetProperty("id").GetString()}"),
            ["search-filter"] = await archive.GetJsonAsync("/api/search?filter=" + Uri.EscapeDataString("\"view:azimuth\" < 100")),
            ["search-post"] = await archive.PostJsonAsync("/api/search", $$"""{"collections":["{{sequence}}"],"sortby":[{"field":"id","direction":"asc"}]}"""),
            ["user-catalogue"] = await archive.GetJsonAsync($"/api/users/{demo}/collection"),
            ["private-item-member"] = await archive.GetJsonAsync($"/api/collections/{archive.PrivateSequence}/items/{archive.PrivateKeys[0]}", archive.MemberToken),
            // With the camera from the EXIF and the original asset its uploader may read.
            ["private-item-owner"] = await archive.GetJsonAsync($"/api/collections/{archive.PrivateSequence}/items/{archive.PrivateKeys[0]}", archive.OwnerToken),
            ["private-items-owner"] = await archive.GetJsonAsync($"/api/collections/{archive.PrivateSequence}/items", archive.OwnerToken),
        };
        foreach (var (name, json) in answers)
            await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), json.GetRawText());

        var tools = await NodeTools.DirectoryAsync();
        var run = await NodeTools.RunAsync(tools, "node", ["validate.mjs", folder], []);
        Assert.True(run.ExitCode == 0, $"stac-node-validator found invalid answers:\n{run.Output}");
        Assert.Contains("STAC VALIDATION OK", run.Output);
        var reports = run.Output.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(answers.Count, reports.Count);
        // The extensions the items declare were checked too, from the vendored schemas.
        var extensions = reports.SelectMany(r => r.GetProperty("extensions").EnumerateArray().Select(e => e.GetString())).ToHashSet();
        Assert.Contains("https://stac-extensions.github.io/view/v1.0.0/schema.json", extensions);
        Assert.Contains("https://stac-extensions.github.io/perspective-imagery/v1.0.0/schema.json", extensions);
        Assert.All(reports, r => Assert.True(r.GetProperty("checked").GetInt32() > 0, r.GetRawText()));
    }

    [Fact]
    public async Task StacJsWalksCollectionsItemsAndAssetsAndSearches()
    {
        var tools = await NodeTools.DirectoryAsync();
        var run = await NodeTools.RunAsync(tools, "node", ["walk.mjs"], new() { ["STAC_URL"] = archive.Api.AbsoluteUri });
        Assert.True(run.ExitCode == 0, $"the stac-js walk failed:\n{run.Output}");
        Assert.Contains("STAC-JS WALK OK", run.Output);
        Assert.Contains("{\"step\":\"collections\",\"count\":4}", run.Output);
        Assert.Contains($"{{\"step\":\"items\",\"count\":{StacArchive.DemoPhotos}}}", run.Output);
    }
}
