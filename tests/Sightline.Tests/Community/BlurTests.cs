using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>Blurs: GET/POST /v2/im/{key}/b and GET/POST/DELETE /v2/b/{key} (spec §3.1, §3.3, §5 items 13-17).</summary>
public sealed class BlurTests : IAsyncLifetime
{
    private Cast cast = null!;
    private string publicImage = "";

    public async Task InitializeAsync()
    {
        cast = await Cast.StartAsync();
        publicImage = await cast.PublicImageAsync(2);
    }

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private static object Request(params (string Type, double[] Rect)[] blurs) => new { bs = blurs.Select(b => new { type = b.Type, rect = b.Rect }) };

    [Fact]
    public async Task NoBodyAndAMissingBsBeforeAMalformedKeyAreParameterMissing()
    {
        Assert.Contains("bs", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/b"), "parameter_missing"));
        // CONTRACT.md §4: parameter_missing, then parameter_invalid.
        Assert.Contains("bs", await ContractAssert.Error(await cast.Stranger.PostJsonAsync("/v2/im/short/b", new { }), "parameter_missing"));
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.PostJsonAsync("/v2/im/short/b", Request(("face", [0.1, 0.1, 0.2, 0.2]))), "parameter_invalid"));
    }

    [Fact]
    public async Task RequestShowsAsPendingThenApprovalMakesItCurrent()
    {
        var empty = await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/b");
        Assert.Equal(["bs", "pbs", "requesting_user", "user"], Member.Names(empty));
        Assert.Empty(empty.GetProperty("bs").EnumerateArray());
        Assert.Empty(empty.GetProperty("pbs").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("user").ValueKind);

        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{publicImage}/b",
            Request(("user", [0.1, 0.2, 0.3, 0.4]), ("face", [0.5, 0.5, 0.6, 0.7]))));
        var pending = await cast.Stranger.Anonymous().GetJsonAsync($"/v2/im/{publicImage}/b");
        Assert.Empty(pending.GetProperty("bs").EnumerateArray());
        Assert.Equal("stranger", pending.GetProperty("requesting_user").GetString());
        var pbs = pending.GetProperty("pbs").EnumerateArray().ToList();
        Assert.Equal(2, pbs.Count);
        Assert.Equal(["rect", "type"], Member.Names(pbs[0]));
        Assert.Equal("useredit", pbs[0].GetProperty("type").GetString()); // "user" is accepted, "useredit" emitted
        Assert.Equal([0.1, 0.2, 0.3, 0.4], pbs[0].GetProperty("rect").EnumerateArray().Select(n => n.GetDouble()).ToArray());

        var review = await cast.Admin.GetJsonAsync($"/v2/b/{publicImage}");
        Assert.Equal(["applied", "bs", "user"], Member.Names(review));
        Assert.False(review.GetProperty("applied").GetBoolean());
        Assert.Equal("stranger", review.GetProperty("user").GetString());
        Assert.Equal(2, review.GetProperty("bs").GetArrayLength());

        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/b/{publicImage}"));
        var current = await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/b");
        Assert.Equal(2, current.GetProperty("bs").GetArrayLength());
        Assert.Empty(current.GetProperty("pbs").EnumerateArray());
        Assert.Equal("moderator", current.GetProperty("user").GetString());
        Assert.Equal(JsonValueKind.Null, current.GetProperty("requesting_user").ValueKind);
        var record = await BlurPixelTests.WaitUntilAppliedAsync(cast.Stranger, publicImage);
        Assert.Equal("moderator", record.GetProperty("user").GetString());
    }

    [Fact]
    public async Task OnlyOneRequestMayBePendingAndRejectionLeavesBlursAsTheyWere()
    {
        var path = $"/v2/im/{publicImage}/b";
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync(path, Request(("useredit", [0.1, 0.1, 0.2, 0.2]))));
        Assert.Contains("bs", await ContractAssert.Error(await cast.OwnerMember.PostJsonAsync(path, Request(("useredit", [0.3, 0.3, 0.4, 0.4]))), "parameter_invalid"));

        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Delete, $"/v2/b/{publicImage}"));
        var after = await cast.Stranger.GetJsonAsync(path);
        Assert.Empty(after.GetProperty("bs").EnumerateArray());
        Assert.Empty(after.GetProperty("pbs").EnumerateArray());
        // Nothing under review any more: approving or rejecting again finds nothing.
        await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/b/{publicImage}"), "not_found");
        await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Delete, $"/v2/b/{publicImage}"), "not_found");
        // A new request is accepted once the previous one is decided.
        await Member.AcknowledgedAsync(await cast.OwnerMember.PostJsonAsync(path, Request(("useredit", [0.3, 0.3, 0.4, 0.4]))));
    }

    [Fact]
    public async Task OfApprovalsAndRejectionsRacingForOneRequestOneIsAcknowledgedAndTheBlursAgree()
    {
        // Two moderators in /moderate at once: each round one pending request, four approvals and four rejections at once.
        // On PostgreSQL (no single writer) all of them were acknowledged once, and a rejected request's blurs were in effect.
        var path = $"/v2/im/{publicImage}/b";
        var inEffect = Array.Empty<double>();
        var failures = new List<string>();
        for (var round = 0; round < 4; round++)
        {
            double[] rect = [0.1 + round * 0.1, 0.1, 0.15 + round * 0.1, 0.2];
            await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync(path, Request(("useredit", rect))));
            var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
                cast.Admin.SendAsync(i % 2 == 0 ? HttpMethod.Post : HttpMethod.Delete, $"/v2/b/{publicImage}")));
            var won = answers.Select((a, i) => (Answer: a, Approve: i % 2 == 0)).Where(a => a.Answer.StatusCode == System.Net.HttpStatusCode.OK).ToList();
            foreach (var refused in answers.Where(a => a.StatusCode != System.Net.HttpStatusCode.OK))
                await ContractAssert.Error(refused, "not_found");
            var record = await cast.Stranger.GetJsonAsync(path);
            var bs = record.GetProperty("bs").EnumerateArray().SelectMany(b => b.GetProperty("rect").EnumerateArray().Select(n => n.GetDouble())).ToArray();
            if (won.Count != 1)
                failures.Add($"round {round}: {won.Count(w => w.Approve)} approvals and {won.Count(w => !w.Approve)} rejections acknowledged");
            else
            {
                if (won[0].Approve)
                    inEffect = rect;
                if (!bs.SequenceEqual(inEffect))
                    failures.Add($"round {round}: {(won[0].Approve ? "approved" : "rejected")}, but the blurs in effect are [{string.Join(",", bs)}]");
            }
            if (record.GetProperty("pbs").GetArrayLength() != 0)
                failures.Add($"round {round}: still pending");
            inEffect = bs;
        }
        Assert.True(failures.Count == 0, string.Join(" | ", failures));
    }

    [Fact]
    public async Task NestedCornerPairsAreNormalizedToAFlatRectangle()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.SendJsonAsync(HttpMethod.Post, $"/v2/im/{publicImage}/b",
            """{"bs":[{"type":"license","rect":[[0.5,0.6],[0.1,0.2]]}]}"""));
        var pbs = (await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/b")).GetProperty("pbs")[0];
        Assert.Equal("license", pbs.GetProperty("type").GetString());
        Assert.Equal([0.1, 0.2, 0.5, 0.6], pbs.GetProperty("rect").EnumerateArray().Select(n => n.GetDouble()).ToArray());
    }

    [Fact]
    public async Task ApproveAndRejectNeedMapillaryAdmin()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{publicImage}/b", Request(("useredit", [0.1, 0.1, 0.2, 0.2]))));
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Delete })
        {
            Assert.Contains("mapillary:admin", await ContractAssert.Error(await cast.OwnerMember.SendAsync(method, $"/v2/b/{publicImage}"), "user_not_authenticated"));
            await ContractAssert.Error(await cast.Admin.Anonymous().SendAsync(method, $"/v2/b/{publicImage}"), "user_not_authenticated");
            var adminWithoutScope = await cast.Admin.WithScopesAsync("public:write");
            await ContractAssert.Error(await adminWithoutScope.SendAsync(method, $"/v2/b/{publicImage}"), "user_not_authenticated");
        }
        Assert.Equal(1, (await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/b")).GetProperty("pbs").GetArrayLength());
    }

    [Fact]
    public async Task RequestingNeedsTheWriteScopeOfTheImage()
    {
        var body = Request(("useredit", [0.1, 0.1, 0.2, 0.2]));
        await ContractAssert.Error(await cast.Stranger.Anonymous().PostJsonAsync($"/v2/im/{publicImage}/b", body), "user_not_authenticated");
        var reader = await cast.Stranger.WithScopesAsync("user:read");
        Assert.Contains("public:write", await ContractAssert.Error(await reader.PostJsonAsync($"/v2/im/{publicImage}/b", body), "user_not_authenticated"));

        var privateImage = await cast.PrivateImageAsync(2);
        await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{privateImage}/b", body), "not_found");
        var memberPublicOnly = await cast.ProjectMember.WithScopesAsync("public:write private:read");
        Assert.Contains("private:write", await ContractAssert.Error(await memberPublicOnly.PostJsonAsync($"/v2/im/{privateImage}/b", body), "user_not_authenticated"));
        // Judged before the body (CONTRACT.md §4, step 4 before step 5).
        Assert.Contains("private:write", await ContractAssert.Error(await memberPublicOnly.SendAsync(HttpMethod.Post, $"/v2/im/{privateImage}/b"), "user_not_authenticated"));
        Assert.StartsWith("bs", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{privateImage}/b"), "parameter_missing"));
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync($"/v2/im/{privateImage}/b", body));
    }

    [Fact]
    public async Task PrivateImageBlursAreInvisibleToStrangers()
    {
        var privateImage = await cast.PrivateImageAsync(3);
        foreach (var path in new[] { $"/v2/im/{privateImage}/b", $"/v2/b/{privateImage}" })
        {
            await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, path), "not_found");
            await ContractAssert.Error(await cast.Stranger.Anonymous().SendAsync(HttpMethod.Get, path), "not_found");
            await cast.ProjectMember.GetJsonAsync(path);
        }
    }

    [Theory]
    [InlineData("{}", "parameter_missing", "bs")]
    [InlineData("""{"bs":[]}""", "parameter_missing", "bs")]
    [InlineData("""{"bs":{}}""", "parameter_invalid", "bs")]
    [InlineData("""{"bs":[42]}""", "parameter_invalid", "bs[0]")]
    [InlineData("""{"bs":[{"rect":[0.1,0.1,0.2,0.2]}]}""", "parameter_missing", "bs[0].type")]
    [InlineData("""{"bs":[{"type":"tree","rect":[0.1,0.1,0.2,0.2]}]}""", "parameter_invalid", "bs[0].type")]
    [InlineData("""{"bs":[{"type":"face"}]}""", "parameter_missing", "bs[0].rect")]
    [InlineData("""{"bs":[{"type":"face","rect":[0.1,0.1,0.2]}]}""", "parameter_invalid", "bs[0].rect")]
    [InlineData("""{"bs":[{"type":"face","rect":[0.1,0.1,0.2,1.5]}]}""", "parameter_invalid", "bs[0].rect")]
    [InlineData("""{"bs":[{"type":"face","rect":[0.3,0.1,0.2,0.2]}]}""", "parameter_invalid", "bs[0].rect")]
    [InlineData("""{"bs":[{"type":"face","rect":[0.1,0.1,0.1,0.2]}]}""", "parameter_invalid", "bs[0].rect")]
    [InlineData("""{"bs":[{"type":"face","rect":[0.1,0.1,0.2,0.2]},{"type":"face","rect":"0,0,1,1"}]}""", "parameter_invalid", "bs[1].rect")]
    [InlineData("""{"bs":[{"type":"face","rect":[[0.1,0.1],[0.2]]}]}""", "parameter_invalid", "bs[0].rect")]
    [InlineData("""{"bs":""", "parameter_invalid", "body")]
    public async Task BadBlurRequestsAreRefusedNamingTheParameter(string body, string code, string parameter)
    {
        var message = await ContractAssert.Error(await cast.Stranger.SendJsonAsync(HttpMethod.Post, $"/v2/im/{publicImage}/b", body), code);
        Assert.Contains(parameter, message);
        Assert.Empty((await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/b")).GetProperty("pbs").EnumerateArray());
    }

    [Fact]
    public async Task FormBodiesAndBadKeysAreRefused()
    {
        var form = new FormUrlEncodedContent([new("bs", "[]")]);
        Assert.Contains("body", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/b", form), "parameter_invalid"));
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, "/v2/b/nope"), "parameter_invalid"));
        Assert.Contains("key", await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Post, "/v2/b/nope"), "parameter_invalid"));
        await ContractAssert.Error(await cast.Admin.SendAsync(HttpMethod.Post, $"/v2/b/{new string('Q', 22)}"), "not_found");
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/im/{new string('Q', 22)}/b"), "not_found");
    }
}
