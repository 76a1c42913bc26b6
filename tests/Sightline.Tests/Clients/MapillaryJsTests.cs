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
