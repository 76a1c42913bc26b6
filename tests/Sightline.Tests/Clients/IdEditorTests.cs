using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Sightline.Tests.Clients;

/// <summary>
/// The iD editor's Mapillary layers (openstreetmap/iD, 2015-2016): the requests its sequence layer, its traffic-sign
/// layer (which named the 1.0 packages and the old underscore classes) and its 2016 Mapillary service sent, byte for
/// byte apart from the host, and the fields its code reads from the answers.
/// </summary>
[Collection(V2ClientsCollection.Name)]
public sealed class IdEditorTests(V2ClientsServer fixture)
{
    private static string Box(string format)
    {
        var (minLat, minLon, maxLat, maxLon) = V2ClientsServer.Ghent;
        return string.Format(CultureInfo.InvariantCulture, format, minLat, maxLat, minLon, maxLon);
    }

    [Fact]
    public async Task SequenceLayerOf2015ReadsKeysCasAndCoordinatesOfEachLine()
    {
        // js/id/renderer/mapillary_layer.js: max_results and geojson are parameters the server does not know, and ignores.
        var json = await fixture.GetJsonAsync($"/v2/search/s/geojson?client_id={fixture.ClientId}" +
            Box("&min_lat={0}&max_lat={1}&min_lon={2}&max_lon={3}") + "&max_results=100&geojson=true");
        var features = json.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(4, features.Count);
        foreach (var sequence in features)
        {
            var coordinates = sequence.GetProperty("geometry").GetProperty("coordinates");
            var properties = sequence.GetProperty("properties");
            // It walks coordinates[j] and reads keys[j] and cas[j] beside it: the three must line up.
            Assert.Equal(coordinates.GetArrayLength(), properties.GetProperty("keys").GetArrayLength());
            Assert.Equal(coordinates.GetArrayLength(), properties.GetProperty("cas").GetArrayLength());
            for (var j = 0; j < coordinates.GetArrayLength(); j++)
            {
                Assert.Equal(2, coordinates[j].GetArrayLength());
                Assert.Equal(JsonValueKind.String, properties.GetProperty("keys")[j].ValueKind);
                Assert.Equal(JsonValueKind.Number, properties.GetProperty("cas")[j].ValueKind);
            }
        }
    }

    [Fact]
    public async Task SignLayerOf2015FindsSignsWithThe10PackageAndUnderscoreClasses()
    {
        var json = await fixture.GetJsonAsync("/v2/search/im/geojson/or?or_classes[]=prohibitory_no&or_classes[]=other_no" +
            $"&or_package=trafficsign_eu_1.0&min_score=2&client_id={fixture.ClientId}" +
            Box("&min_lat={0}&max_lat={1}&min_lon={2}&max_lon={3}") + "&max_results=100&geojson=true");
        var sign = Assert.Single(json.GetProperty("features").EnumerateArray());
        Assert.Equal(fixture.SignedImage, sign.GetProperty("properties").GetProperty("key").GetString());
        Assert.Equal(2, sign.GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
        var rect = Assert.Single(sign.GetProperty("properties").GetProperty("rects").EnumerateArray()); // 0.5 is below min_score
        Assert.Equal("prohibitory--no-overtaking--ru", rect.GetProperty("type").GetString());
        Assert.Equal(V2ClientsServer.PreciseScore, rect.GetProperty("score").GetString());
    }

    [Fact]
    public async Task ServiceOf2016PagesImagesAndReadsKeyCaAndPosition()
    {
        // modules/services/mapillary.js: utilQsString's order, limit 1000, page from 0, then the next page while full.
        var json = await fixture.GetJsonAsync($"/v2/search/im/geojson?geojson=true&limit=1000&page=0&client_id={fixture.ClientId}" +
            Box("&min_lon={2}&min_lat={0}&max_lon={3}&max_lat={1}"));
        var features = json.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(fixture.ImageKeys.Length, features.Count);
        Assert.All(features, f =>
        {
            Assert.Equal(JsonValueKind.String, f.GetProperty("properties").GetProperty("key").ValueKind);
            Assert.Equal(JsonValueKind.Number, f.GetProperty("properties").GetProperty("ca").ValueKind);
            Assert.Equal(2, f.GetProperty("geometry").GetProperty("coordinates").GetArrayLength());
        });
    }

    [Fact]
    public async Task ServiceOf2016SignsGiveTheRegionOfTheirPackageForTheSpriteLookup()
    {
        var json = await fixture.GetJsonAsync($"/v2/search/im/geojson/or?geojson=true&limit=1000&page=0&client_id={fixture.ClientId}" +
            Box("&min_lon={2}&min_lat={0}&max_lon={3}&max_lat={1}"));
        var features = json.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("properties").GetProperty("key").GetString()!);
        Assert.Equal([fixture.SignedImage, fixture.DangerImage], features.Keys.Order(StringComparer.Ordinal));
        foreach (var feature in features.Values)
        {
            // signHTML: signs[0].package.split('_')[1] picks the sprite region, signs[0].type the sprite.
            var first = feature.GetProperty("properties").GetProperty("rects")[0];
            Assert.Equal("eu", first.GetProperty("package").GetString()!.Split('_')[1]);
            Assert.Contains(first.GetProperty("type").GetString(), new[] { "prohibitory--no-overtaking--ru", "danger--children--de" });
        }
    }

    [Fact]
    public async Task ThumbnailTheLayerShowsIsServedWithoutClientId()
    {
        using var response = await fixture.Server.Http.GetAsync($"/{fixture.ImageKeys[0]}/thumb-320.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
    }
}
