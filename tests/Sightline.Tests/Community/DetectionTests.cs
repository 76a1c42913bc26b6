using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>GET /v2/im/{key}/or, PUT /v2/im/{key}/or/{package} (detector submissions), spec §3.1, §4, §5 items 24-27.</summary>
public sealed class DetectionTests : IAsyncLifetime
{
    private Cast cast = null!;
    private Member detector = null!;
    private string image = "";

    public async Task InitializeAsync()
    {
        cast = await Cast.StartAsync();
        detector = await Member.CreateAsync(cast.Server, "detector", "mapillary:admin", admin: true);
        image = await cast.PublicImageAsync(5);
    }

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private Task<HttpResponseMessage> Submit(Member who, string package, string body, string? key = null) =>
        who.SendJsonAsync(HttpMethod.Put, $"/v2/im/{key ?? image}/or/{package}", body);

    [Fact]
    public async Task SubmittedDetectionsAreServedInTheSpecShape()
    {
        var before = await cast.Stranger.GetJsonAsync($"/v2/im/{image}/or");
        Assert.Equal(["ca", "captured_at", "key", "lat", "lon", "or_confirmed_packages", "or_done", "or_packages", "or_rects", "or_rectversions", "user"],
            Member.Names(before));
        Assert.Empty(before.GetProperty("or_rects").EnumerateArray());
        Assert.False(before.GetProperty("or_done").GetBoolean());

        await Member.AcknowledgedAsync(await Submit(detector, "trafficsign_eu_6.0",
            """{"or_rects":[{"type":"priority--give-way--de","score":"1.2904","rect":[0.612,0.388,0.641,0.43]},{"type":"danger--children--uk","score":0.5,"rect":[0.1,0.1,0.2,0.3]}]}"""));
        var after = await cast.Stranger.Anonymous().GetJsonAsync($"/v2/im/{image}/or");
        var summary = await cast.Stranger.GetJsonAsync($"/v2/im/{image}");
        foreach (var field in new[] { "ca", "captured_at", "key", "lat", "lon", "user" })
            Assert.Equal(summary.GetProperty(field).GetRawText(), after.GetProperty(field).GetRawText());
        var rects = after.GetProperty("or_rects").EnumerateArray().ToArray();
        Assert.Equal(2, rects.Length);
        Assert.Equal(["package", "rect", "score", "type"], Member.Names(rects[0]));
        Assert.Equal(JsonValueKind.String, rects[0].GetProperty("score").ValueKind);
        Assert.Equal(("priority--give-way--de", "1.2904", "trafficsign_eu_6.0"),
            (rects[0].GetProperty("type").GetString(), rects[0].GetProperty("score").GetString(), rects[0].GetProperty("package").GetString()));
        Assert.Equal([0.612, 0.388, 0.641, 0.43], rects[0].GetProperty("rect").EnumerateArray().Select(n => n.GetDouble()).ToArray());
        Assert.Equal("0.5", rects[1].GetProperty("score").GetString());
        Assert.Equal(["trafficsign_eu_6.0"], after.GetProperty("or_packages").EnumerateArray().Select(p => p.GetString()!).ToArray());
        Assert.Empty(after.GetProperty("or_rectversions").EnumerateArray());
        Assert.Empty(after.GetProperty("or_confirmed_packages").EnumerateArray());
        Assert.False(after.GetProperty("or_done").GetBoolean());
    }

    [Fact]
    public async Task ASubmissionReplacesThatPackagesResultsAndEveryPackageMakesItDone()
    {
        await Member.AcknowledgedAsync(await Submit(detector, "trafficsign_us_3.0", """{"or_rects":[{"type":"regulatory--stop--us","score":"0.9","rect":[0.1,0.1,0.2,0.2]}]}"""));
        await Member.AcknowledgedAsync(await Submit(detector, "trafficsign_us_3.0", """{"or_rects":[{"type":"regulatory--stop--us","score":"0.7","rect":[0.3,0.3,0.4,0.4]}]}"""));
        var rects = (await cast.Stranger.GetJsonAsync($"/v2/im/{image}/or")).GetProperty("or_rects").EnumerateArray().ToArray();
        Assert.Equal("0.7", Assert.Single(rects).GetProperty("score").GetString());

        foreach (var package in new[] { "trafficsign_au_2.0", "trafficsign_br_5.0", "trafficsign_ca_2.0", "trafficsign_eu_6.0" })
            await Member.AcknowledgedAsync(await Submit(detector, package, """{"or_rects":[]}"""));
        var done = await cast.Stranger.GetJsonAsync($"/v2/im/{image}/or");
        Assert.True(done.GetProperty("or_done").GetBoolean());
        Assert.Equal(5, done.GetProperty("or_packages").GetArrayLength());
        Assert.Single(done.GetProperty("or_rects").EnumerateArray());
    }

    [Fact]
    public async Task SubmittingNeedsMapillaryAdmin()
    {
        const string body = """{"or_rects":[]}""";
        await ContractAssert.Error(await Submit(cast.Stranger.Anonymous(), "trafficsign_us_3.0", body), "user_not_authenticated");
        Assert.Contains("mapillary:admin", await ContractAssert.Error(await Submit(cast.OwnerMember, "trafficsign_us_3.0", body), "user_not_authenticated"));
        Assert.Empty((await cast.Stranger.GetJsonAsync($"/v2/im/{image}/or")).GetProperty("or_packages").EnumerateArray());
    }

    [Fact]
    public async Task UserVersionsAreNotAvailable()
    {
        await ContractAssert.Error(await cast.OwnerMember.PostJsonAsync($"/v2/im/{image}/or/version", new { }), "not_found");
        await ContractAssert.Error(await cast.OwnerMember.PostJsonAsync($"/v2/im/{image}/or/version/approve", new { }), "not_found");
        await ContractAssert.Error(await detector.PostJsonAsync($"/v2/im/{image}/or/version", new { }), "not_found");
    }

    [Fact]
    public async Task PrivateImageDetectionsAreInvisibleToStrangers()
    {
        var privateImage = await cast.PrivateImageAsync(5);
        await Member.AcknowledgedAsync(await Submit(detector, "trafficsign_ca_2.0", """{"or_rects":[{"type":"regulatory--stop--ca","score":"1.0417","rect":[0.1,0.1,0.2,0.2]}]}""", privateImage));
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/im/{privateImage}/or"), "not_found");
        await ContractAssert.Error(await cast.Stranger.Anonymous().SendAsync(HttpMethod.Get, $"/v2/im/{privateImage}/or"), "not_found");
        Assert.Single((await cast.ProjectMember.GetJsonAsync($"/v2/im/{privateImage}/or")).GetProperty("or_rects").EnumerateArray());
    }

    [Theory]
    [InlineData("trafficsign_xx_1.0", """{"or_rects":[]}""", "parameter_invalid", "package")]
    [InlineData("trafficsign_xx_9.0", """{"or_rects":[]}""", "parameter_invalid", "package")]
    [InlineData("trafficsign_us_3.0", "{}", "parameter_missing", "or_rects")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":{}}""", "parameter_invalid", "or_rects")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":[{"score":"1","rect":[0.1,0.1,0.2,0.2]}]}""", "parameter_missing", "or_rects[0].type")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":[{"type":"regulatory--stop--ca","score":"1","rect":[0.1,0.1,0.2,0.2]}]}""", "parameter_invalid", "or_rects[0].type")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":[{"type":"regulatory--stop--us","rect":[0.1,0.1,0.2,0.2]}]}""", "parameter_missing", "or_rects[0].score")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":[{"type":"regulatory--stop--us","score":"high","rect":[0.1,0.1,0.2,0.2]}]}""", "parameter_invalid", "or_rects[0].score")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":[{"type":"regulatory--stop--us","score":"1"}]}""", "parameter_missing", "or_rects[0].rect")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":[{"type":"regulatory--stop--us","score":"1","rect":[0.3,0.1,0.2,0.2]}]}""", "parameter_invalid", "or_rects[0].rect")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":[{"type":"regulatory--stop--us","score":"1","rect":[0.1,0.1,0.2,2]}]}""", "parameter_invalid", "or_rects[0].rect")]
    [InlineData("trafficsign_us_3.0", """{"or_rects":[""", "parameter_invalid", "body")]
    public async Task BadSubmissionsAreRefusedNamingTheParameter(string package, string body, string code, string parameter)
    {
        Assert.Contains(parameter, await ContractAssert.Error(await Submit(detector, package, body), code));
        Assert.Empty((await cast.Stranger.GetJsonAsync($"/v2/im/{image}/or")).GetProperty("or_packages").EnumerateArray());
    }

    [Fact]
    public async Task RandomPicksOnlyAPublicImageWithDetections()
    {
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, "/v2/search/im/or/random"), "not_found");
        var privateImage = await cast.PrivateImageAsync(6);
        const string body = """{"or_rects":[{"type":"regulatory--stop--us","score":"2.4133","rect":[0.118,0.402,0.151,0.455]}]}""";
        await Member.AcknowledgedAsync(await Submit(detector, "trafficsign_us_3.0", body, privateImage));
        await ContractAssert.Error(await cast.ProjectMember.SendAsync(HttpMethod.Get, "/v2/search/im/or/random"), "not_found");

        await Member.AcknowledgedAsync(await Submit(detector, "trafficsign_us_3.0", body));
        var random = await cast.Stranger.Anonymous().GetJsonAsync("/v2/search/im/or/random");
        Assert.Equal(["key", "orversions", "random_type", "rects"], Member.Names(random));
        Assert.Equal(image, random.GetProperty("key").GetString());
        Assert.Equal(1, random.GetProperty("random_type").GetInt32());
        Assert.Empty(random.GetProperty("orversions").EnumerateArray());
        var rect = Assert.Single(random.GetProperty("rects").EnumerateArray());
        Assert.Equal(("regulatory--stop--us", "2.4133"), (rect.GetProperty("type").GetString(), rect.GetProperty("score").GetString()));
    }

    [Fact]
    public async Task BadAndUnknownImageKeys()
    {
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, "/v2/im/short/or"), "parameter_invalid"));
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/im/{new string('D', 22)}/or"), "not_found");
        Assert.Contains("key", await ContractAssert.Error(await Submit(detector, "trafficsign_us_3.0", """{"or_rects":[]}""", "short"), "parameter_invalid"));
        await ContractAssert.Error(await Submit(detector, "trafficsign_us_3.0", """{"or_rects":[]}""", new string('D', 22)), "not_found");
    }
}
