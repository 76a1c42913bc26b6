using System.Globalization;
using System.Net;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Clients;

/// <summary>
/// mapillary-js 0.x and 1.x (mapillary/mapillary-js, its <c>APIv2</c> calls): <c>search/im/close2</c> for moveCloseTo,
/// <c>s/{key}</c> for the route component and <c>im/{key}/or</c>, with client_id appended after the path's own
/// query and the token sent as "bearer &lt;token&gt;" (rest.js's oAuth interceptor, lower case).
/// </summary>
[Collection(V2ClientsCollection.Name)]
public sealed class MapillaryJsTests(V2ClientsServer fixture)
{
    [Fact]
    public async Task Close2AnswersTheNearestImageAsOneObjectWithKeyLatLon()
    {
        var first = await fixture.GetJsonAsync($"/v2/im/{fixture.ImageKeys[3]}?client_id={fixture.ClientId}");
        var (lat, lon) = (first.GetProperty("lat").GetDouble(), first.GetProperty("lon").GetDouble());
        // APISearchIm.close2: `close2?lat=${lat}&lon=${lon}` then "&client_id=" (JavaScript's number formatting).
        var json = await fixture.GetJsonAsync(string.Create(CultureInfo.InvariantCulture,
            $"/v2/search/im/close2?lat={lat + 0.00001:R}&lon={lon:R}&client_id={fixture.ClientId}"));
        Assert.Equal(fixture.ImageKeys[3], json.GetProperty("key").GetString());
        Assert.Equal(lat, json.GetProperty("lat").GetDouble());
        Assert.Equal(lon, json.GetProperty("lon").GetDouble());
    }

    [Fact]
    public async Task Close2FarFromEveryImageHasNoKeySoTheViewerSaysNoImageFound()
    {
        // Navigator.moveCloseTo (1.x) throws "no Image found" when data.key == null; rest.js hands over an error body as data.
        using var response = await fixture.Server.Http.GetAsync($"/v2/search/im/close2?lat=0&lon=0&client_id={fixture.ClientId}");
        await ContractAssert.Error(response, "not_found");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(json.RootElement.TryGetProperty("key", out _));
    }

    [Fact]
    public async Task SequenceOfTheRouteComponentHasKeyAndKeysWithALowerCaseBearer()
    {
        var image = await fixture.GetJsonAsync($"/v2/im/{fixture.ImageKeys[0]}?client_id={fixture.ClientId}");
        var sequenceKey = image.GetProperty("sequence_key").GetString();
        var token = await fixture.Server.IssueTokenAsync(V2ClientsServer.Person, fixture.ClientId, "private:read");
        var json = await fixture.GetJsonAsync($"/v2/s/{sequenceKey}?client_id={fixture.ClientId}", "bearer " + token);
        Assert.Equal(sequenceKey, json.GetProperty("key").GetString());
        Assert.Contains(fixture.ImageKeys[0], json.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task NavImAnswersTheImagesCellWithEveryImageInASequenceOfTheAnswer()
    {
        // APINav.im: "nav/im/" + key, then "?client_id=" (APIv2Call.callApi). Graph.addNodesFromAPI reads hs[0] as the cell,
        // builds a Sequence from each ss entry's key and keys, and a Node from each ims entry, looking its sequence up by key.
        var image = await fixture.GetJsonAsync($"/v2/im/{fixture.ImageKeys[2]}?client_id={fixture.ClientId}");
        var json = await fixture.GetJsonAsync($"/v2/nav/im/{fixture.ImageKeys[2]}?client_id={fixture.ClientId}");

        var cell = Assert.Single(json.GetProperty("hs").EnumerateArray()).GetString()!;
        Assert.Equal(Sightline.Navigation.Geohash.Encode(image.GetProperty("lat").GetDouble(), image.GetProperty("lon").GetDouble(), 7), cell);
        var ims = json.GetProperty("ims").EnumerateArray().ToList();
        var opened = Assert.Single(ims, i => i.GetProperty("key").GetString() == fixture.ImageKeys[2]);
        Assert.Equal(image.GetProperty("lat").GetDouble(), opened.GetProperty("lat").GetDouble());
        Assert.Equal(image.GetProperty("captured_at").GetInt64(), opened.GetProperty("captured_at").GetInt64());
        Assert.Equal(image.GetProperty("user").GetString(), opened.GetProperty("user").GetString());
        Assert.Equal(1, opened.GetProperty("orientation").GetInt32()); // the thumbnails are upright already
        Assert.True(opened.GetProperty("width").GetInt32() > 0 && opened.GetProperty("height").GetInt32() > 0);
        var sequenceKeys = json.GetProperty("ss").EnumerateArray()
            .SelectMany(s => s.GetProperty("keys").EnumerateArray().Select(k => k.GetString())).ToHashSet();
        Assert.All(ims, i => Assert.Contains(i.GetProperty("key").GetString(), sequenceKeys));
        var ownSequence = image.GetProperty("sequence_key").GetString();
        var ss = Assert.Single(json.GetProperty("ss").EnumerateArray(), s => s.GetProperty("key").GetString() == ownSequence);
        var sequence = await fixture.GetJsonAsync($"/v2/s/{ownSequence}?client_id={fixture.ClientId}");
        Assert.Equal(sequence.GetProperty("keys").EnumerateArray().Select(k => k.GetString()), ss.GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
    }

    [Fact]
    public async Task NavHOfTheCellAndItsNeighboursAnswersAsTheViewerCachesThem()
    {
        // TilesService: after nav/im, nav/h for the node's cell and its eight neighbours; each answer's hs marks that cell cached.
        var first = await fixture.GetJsonAsync($"/v2/nav/im/{fixture.ImageKeys[0]}?client_id={fixture.ClientId}");
        var cell = first.GetProperty("hs")[0].GetString()!;
        var same = await fixture.GetJsonAsync($"/v2/nav/h/{cell}?client_id={fixture.ClientId}");
        Assert.Equal(cell, Assert.Single(same.GetProperty("hs").EnumerateArray()).GetString());
        Assert.Equal(Keys(first, "ims"), Keys(same, "ims"));
        Assert.Equal(Keys(first, "ss"), Keys(same, "ss"));

        var box = Sightline.Navigation.Geohash.Bounds(cell);
        var north = Sightline.Navigation.Geohash.Encode(box.MaxLat + (box.MaxLat - box.MinLat) / 2, (box.MinLon + box.MaxLon) / 2, 7);
        var neighbour = await fixture.GetJsonAsync($"/v2/nav/h/{north}?client_id={fixture.ClientId}");
        Assert.Equal(north, neighbour.GetProperty("hs")[0].GetString());
        Assert.Empty(Keys(neighbour, "ims").Intersect(Keys(first, "ims")));

        // Far from every photo: an empty cell, still with its hs so the viewer marks it cached.
        var empty = await fixture.GetJsonAsync($"/v2/nav/h/s000000?client_id={fixture.ClientId}");
        Assert.Equal(("s000000", 0, 0), (empty.GetProperty("hs")[0].GetString(), empty.GetProperty("ims").GetArrayLength(), empty.GetProperty("ss").GetArrayLength()));
    }

    [Theory]
    [InlineData("/v2/nav/h/u14dh", "parameter_invalid")]
    [InlineData("/v2/nav/h/u14dhqa", "parameter_invalid")]
    [InlineData("/v2/nav/im/short", "parameter_invalid")]
    [InlineData("/v2/nav/im/AAAAAAAAAAAAAAAAAAAAAA", "not_found")]
    public async Task NavRefusesWhatItCannotAnswerInTheContractsForm(string path, string code)
    {
        using var response = await fixture.Server.Http.GetAsync($"{path}?client_id={fixture.ClientId}");
        await ContractAssert.Error(response, code);
    }

    private static IReadOnlyList<string> Keys(JsonElement cell, string list) =>
        cell.GetProperty(list).EnumerateArray().Select(e => e.GetProperty("key").GetString()!).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task ObjectRecognitionKeepsTheScoreExactlyAsTheDetectorSentIt()
    {
        var json = await fixture.GetJsonAsync($"/v2/im/{fixture.SignedImage}/or?client_id={fixture.ClientId}");
        var rects = json.GetProperty("or_rects").EnumerateArray().ToList();
        Assert.Equal(V2ClientsServer.PreciseScore, rects[0].GetProperty("score").GetString());
        Assert.Equal("0.5", rects[1].GetProperty("score").GetString()); // sent as a JSON number, kept as its text
        Assert.All(rects, r => Assert.Equal("trafficsign_eu_6.0", r.GetProperty("package").GetString())); // submitted as trafficsign_eu_1.0
        Assert.Equal(4, rects[0].GetProperty("rect").GetArrayLength());
    }
}

/// <summary>Geohashes as mapillary-js 1.x names its cells (the reference vector of the original geohash description).</summary>
public sealed class GeohashTests
{
    [Fact]
    public void EncodesTheReferencePointAndItsCellHoldsIt()
    {
        Assert.Equal("u4pruydqqvj", Sightline.Navigation.Geohash.Encode(57.64911, 10.40744, 11));
        var cell = Sightline.Navigation.Geohash.Bounds("u4pruyd");
        Assert.True(cell.Contains(57.64911, 10.40744));
        Assert.Equal("u4pruyd", Sightline.Navigation.Geohash.Encode((cell.MinLat + cell.MaxLat) / 2, (cell.MinLon + cell.MaxLon) / 2, 7));
        Assert.False(Sightline.Navigation.Geohash.IsValid("u4pruya"));
    }
}

/// <summary>CONTRACT.md "Page sizes": a limit above the maximum is served at the maximum; below 1 or not whole is refused.</summary>
public sealed class PageSizeTests
{
    [Theory]
    [InlineData("1000", 1000)]
    [InlineData("1001", 1000)]
    [InlineData("100000", 1000)]
    [InlineData("99999999999999999999999", 1000)]
    [InlineData("7", 7)]
    [InlineData(null, 20)]
    public void ALimitAboveTheMaximumIsServedAtTheMaximum(string? limit, int served) =>
        Assert.Equal(served, Sightline.Contract.Parameters.Limit(limit, 1000, 20));

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("all")]
    public void ALimitBelowOneOrNotWholeIsInvalid(string limit)
    {
        var error = Assert.Throws<Sightline.Contract.ApiException>(() => Sightline.Contract.Parameters.Limit(limit, 1000, 20));
        Assert.Equal(Sightline.Contract.ErrorCode.ParameterInvalid, error.Code);
        Assert.Contains("limit", error.Message);
    }
}
