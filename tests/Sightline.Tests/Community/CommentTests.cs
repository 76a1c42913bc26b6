using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Sightline.Tests.Imagery;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Community;

/// <summary>Comments: POST/GET /v2/im/{key}/cm, GET/DELETE /v2/cm/{key} (spec §3.1, §3.4, §5 items 19-22).</summary>
public sealed class CommentTests : IAsyncLifetime
{
    private Cast cast = null!;
    private string publicImage = "";
    private string privateImage = "";

    public async Task InitializeAsync()
    {
        cast = await Cast.StartAsync();
        publicImage = await cast.PublicImageAsync(1);
        privateImage = await cast.PrivateImageAsync(1);
    }

    public async Task DisposeAsync() => await cast.DisposeAsync();

    private async Task<string> OnlyCommentKey(Member reader, string image) =>
        (await reader.GetJsonAsync($"/v2/im/{image}/cm")).GetProperty("cms").EnumerateArray().Last().GetProperty("key").GetString()!;

    [Fact]
    public async Task CommentTextIsStoredAndReturnedExactlyInBothShapes()
    {
        const string text = "<b>not bold</b> & \"quoted\"\nsecond line 😀 ünïcode  ";
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{publicImage}/cm", new { cm = text }));

        var list = await cast.Stranger.Anonymous().GetJsonAsync($"/v2/im/{publicImage}/cm");
        Assert.Equal(["cms"], Member.Names(list));
        var item = Assert.Single(list.GetProperty("cms").EnumerateArray());
        Assert.Equal(["comment", "created_at", "key", "user"], Member.Names(item));
        Assert.Equal(text, item.GetProperty("comment").GetString());
        Assert.Equal(["avatar", "username"], Member.Names(item.GetProperty("user")));
        Assert.Equal("stranger", item.GetProperty("user").GetProperty("username").GetString());
        Assert.EndsWith("/profile.png", item.GetProperty("user").GetProperty("avatar").GetString());
        var created = item.GetProperty("created_at").GetInt64();
        Assert.InRange(created, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds());
        var key = item.GetProperty("key").GetString()!;
        Assert.Equal(22, key.Length);

        var single = await cast.Stranger.Anonymous().GetJsonAsync($"/v2/cm/{key}");
        Assert.Equal(["comment", "created_at", "key", "mkey", "user"], Member.Names(single));
        Assert.Equal(text, single.GetProperty("comment").GetString());
        Assert.Equal(publicImage, single.GetProperty("mkey").GetString());
        Assert.Equal("stranger", single.GetProperty("user").GetString());
        Assert.Equal(created, single.GetProperty("created_at").GetInt64());
    }

    [Fact]
    public async Task ACommentOrComplaintOfOnlySpacesIsRefused()
    {
        foreach (var blank in new[] { "   ", "\n\t " })
        {
            Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{publicImage}/cm", new { cm = blank }), "parameter_invalid"));
            Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{publicImage}/complain", new { cm = blank }), "parameter_invalid"));
        }
        Assert.Empty((await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/cm")).GetProperty("cms").EnumerateArray());
    }

    [Fact]
    public async Task OfDeletionsRacingForOneCommentOneIsAcknowledged()
    {
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{publicImage}/cm", new { cm = "going" }));
        var key = await OnlyCommentKey(cast.Stranger, publicImage);
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cast.Stranger.SendAsync(HttpMethod.Delete, $"/v2/cm/{key}")));
        Assert.Equal(1, answers.Count(a => a.StatusCode == System.Net.HttpStatusCode.OK));
        foreach (var refused in answers.Where(a => a.StatusCode != System.Net.HttpStatusCode.OK))
            await ContractAssert.Error(refused, "not_found");
    }

    [Fact]
    public async Task ACommentRacingThePhotosDeletionIsNotFoundNeverAnInternalError()
    {
        // The handler finds the photo, then the store writes: a deletion in between leaves a comment whose photo is gone,
        // which the store's foreign key refuses. That refusal is what the contract middleware answers as not_found.
        var key = (await cast.Owner.UploadProcessedAsync("race-store", Photos.Jpeg(Cast.Spec(31)))).GetProperty("key").GetString()!;
        var services = cast.Server.Services;
        var image = (await services.GetRequiredService<Sightline.Images.IImageStore>().FindVisibleAsync(key, Sightline.Images.Viewer.Anonymous))!;
        Assert.Equal(System.Net.HttpStatusCode.OK, (await cast.Owner.SendAsync(HttpMethod.Delete, "/v2/me/uploads/images/race-store")).StatusCode);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => services.GetRequiredService<Sightline.Comments.ICommentStore>().AddAsync(image, image.UserId, "too late"));
        Assert.True(Sightline.Storage.StoreFailures.IsGoneReference(refused), refused.ToString());

        // Over HTTP, comments fired while the owner deletes the photo: each is written or not found, none a 500.
        for (var round = 0; round < 3; round++)
        {
            var upload = $"race-http-{round}";
            var photo = (await cast.Owner.UploadProcessedAsync(upload, Photos.Jpeg(Cast.Spec(40 + round)))).GetProperty("key").GetString()!;
            var writes = Enumerable.Range(0, 6).Select(_ => cast.Stranger.PostJsonAsync($"/v2/im/{photo}/cm", new { cm = "racing" })).ToList();
            var delete = cast.Owner.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/{upload}");
            foreach (var write in writes)
            {
                using var answer = await write;
                Assert.Contains((int)answer.StatusCode, new[] { 200, 404 });
                if ((int)answer.StatusCode == 404)
                    await ContractAssert.Error(answer, "not_found");
            }
            Assert.Equal(System.Net.HttpStatusCode.OK, (await delete).StatusCode);
        }
    }

    [Fact]
    public async Task FormEncodedCommentIsAccepted()
    {
        var form = new FormUrlEncodedContent([new("cm", "form & <text>")]);
        await Member.AcknowledgedAsync(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", form));
        var list = await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/cm");
        Assert.Equal("form & <text>", list.GetProperty("cms")[0].GetProperty("comment").GetString());
    }

    [Theory]
    [InlineData("cm=%FF%FE")]
    [InlineData("cm=caf%C3")]
    [InlineData("cm=%C3%28x")]
    [InlineData("cm=%ED%A0%80")] // a UTF-16 surrogate's bytes
    [InlineData("cm=a%00b")]
    [InlineData("cm=a%1Bb")]
    public async Task AFormBodyThatIsNotUtf8TextIsRefusedAndNothingIsStored(string body)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        var message = await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", content), "parameter_invalid");
        Assert.Contains("body", message);
        Assert.Empty((await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/cm")).GetProperty("cms").EnumerateArray());
    }

    [Fact]
    public async Task AFormBodyKeepsLineBreaksRawUtf8AndALonePercentSign()
    {
        // As curl -d sends it: raw UTF-8, a '%' that escapes nothing (the WHATWG form parser keeps it), and escaped line breaks.
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("cm=Caf\u00e9+50% off%0D%0Anext line%09tab+%E2%9C%93"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        await Member.AcknowledgedAsync(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", content));
        var list = await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/cm");
        Assert.Equal("Caf\u00e9 50% off\r\nnext line\ttab \u2713", list.GetProperty("cms")[0].GetProperty("comment").GetString());
    }

    [Fact]
    public async Task CommentsListOldestFirst()
    {
        foreach (var text in new[] { "first", "second", "third" })
            await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync($"/v2/im/{publicImage}/cm", new { cm = text }));
        var list = await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/cm");
        Assert.Equal(["first", "second", "third"], list.GetProperty("cms").EnumerateArray().Select(c => c.GetProperty("comment").GetString()!).ToArray());
    }

    [Fact]
    public async Task PostingNeedsAWriteScope()
    {
        var path = $"/v2/im/{publicImage}/cm";
        var message = await ContractAssert.Error(await cast.Stranger.Anonymous().PostJsonAsync(path, new { cm = "x" }), "user_not_authenticated");
        Assert.Contains("public:write", message);
        var reader = await cast.Stranger.WithScopesAsync("user:read private:read");
        await ContractAssert.Error(await reader.PostJsonAsync(path, new { cm = "x" }), "user_not_authenticated");
        // private:write alone does not reach a public image.
        var privateWriter = await cast.Stranger.WithScopesAsync("private:write");
        Assert.Contains("public:write", await ContractAssert.Error(await privateWriter.PostJsonAsync(path, new { cm = "x" }), "user_not_authenticated"));
        Assert.Empty((await cast.Stranger.GetJsonAsync(path)).GetProperty("cms").EnumerateArray());
    }

    [Fact]
    public async Task PrivateImageCommentsAreForMembersWithPrivateWriteOnly()
    {
        var path = $"/v2/im/{privateImage}/cm";
        await ContractAssert.Error(await cast.Stranger.PostJsonAsync(path, new { cm = "x" }), "not_found");
        var memberPublicOnly = await cast.ProjectMember.WithScopesAsync("public:write private:read");
        Assert.Contains("private:write", await ContractAssert.Error(await memberPublicOnly.PostJsonAsync(path, new { cm = "x" }), "user_not_authenticated"));
        // The scope is judged before the body (CONTRACT.md §4, step 4 before step 5), for a member as for anyone; a stranger,
        // whom the image does not exist for, hears about the body first (step 5 before step 6).
        Assert.Contains("private:write", await ContractAssert.Error(await memberPublicOnly.SendAsync(HttpMethod.Post, path), "user_not_authenticated"));
        Assert.Contains("private:write", await ContractAssert.Error(await memberPublicOnly.SendAsync(HttpMethod.Post, path,
            new StringContent("{\"cm\":", System.Text.Encoding.UTF8, "application/json")), "user_not_authenticated"));
        Assert.StartsWith("cm", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, path), "parameter_missing"));
        await Member.AcknowledgedAsync(await cast.ProjectMember.PostJsonAsync(path, new { cm = "members only" }));

        var key = await OnlyCommentKey(cast.ProjectMember, privateImage);
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, path), "not_found");
        await ContractAssert.Error(await cast.Stranger.Anonymous().SendAsync(HttpMethod.Get, path), "not_found");
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/cm/{key}"), "not_found");
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Delete, $"/v2/cm/{key}"), "not_found");
        var memberNoPrivateRead = await cast.ProjectMember.WithScopesAsync("public:write");
        // A member lacks only the scope (CONTRACT.md §4, step 4 before step 6): told so, as a project search tells them.
        Assert.Contains("private:read", await ContractAssert.Error(await memberNoPrivateRead.SendAsync(HttpMethod.Get, $"/v2/cm/{key}"), "user_not_authenticated"));
        Assert.Equal("members only", (await cast.ProjectMember.GetJsonAsync($"/v2/cm/{key}")).GetProperty("comment").GetString());
    }

    [Fact]
    public async Task AuthorImageOwnerAndAdministratorMayDeleteOthersMayNot()
    {
        var path = $"/v2/im/{publicImage}/cm";
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync(path, new { cm = "by stranger" }));
        var key = await OnlyCommentKey(cast.Stranger, publicImage);

        var thirdParty = await Member.CreateAsync(cast.Server, "bystander", "public:write");
        await ContractAssert.Error(await thirdParty.SendAsync(HttpMethod.Delete, $"/v2/cm/{key}"), "not_found");
        await ContractAssert.Error(await cast.Stranger.Anonymous().SendAsync(HttpMethod.Delete, $"/v2/cm/{key}"), "user_not_authenticated");
        var readOnly = await cast.Stranger.WithScopesAsync("user:read");
        await ContractAssert.Error(await readOnly.SendAsync(HttpMethod.Delete, $"/v2/cm/{key}"), "user_not_authenticated");
        await Member.AcknowledgedAsync(await cast.Stranger.SendAsync(HttpMethod.Delete, $"/v2/cm/{key}"));
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/cm/{key}"), "not_found");

        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync(path, new { cm = "owner removes" }));
        await Member.AcknowledgedAsync(await cast.OwnerMember.SendAsync(HttpMethod.Delete, $"/v2/cm/{await OnlyCommentKey(cast.Stranger, publicImage)}"));

        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync(path, new { cm = "admin removes" }));
        await Member.AcknowledgedAsync(await cast.Admin.SendAsync(HttpMethod.Delete, $"/v2/cm/{await OnlyCommentKey(cast.Stranger, publicImage)}"));
        Assert.Empty((await cast.Stranger.GetJsonAsync(path)).GetProperty("cms").EnumerateArray());
    }

    [Theory]
    [InlineData("{}", "parameter_missing", "cm")]
    [InlineData("""{"cm":""}""", "parameter_missing", "cm")]
    [InlineData("""{"cm":null}""", "parameter_missing", "cm")]
    [InlineData("""{"cm":42}""", "parameter_invalid", "cm")]
    [InlineData("""{"cm":"unterminated""", "parameter_invalid", "body")]
    [InlineData("""["cm"]""", "parameter_invalid", "body")]
    [InlineData("""{"cm":"a\u0000b"}""", "parameter_invalid", "body")] // PostgreSQL cannot store U+0000: it was a 500 there
    [InlineData("""{"cm":"bell\u0007"}""", "parameter_invalid", "body")]
    [InlineData("""{"cm\u0000":"x"}""", "parameter_invalid", "body")]
    public async Task BadCommentBodiesAreRefusedNamingTheParameter(string body, string code, string parameter)
    {
        var message = await ContractAssert.Error(await cast.Stranger.SendJsonAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", body), code);
        Assert.Contains(parameter, message);
    }

    [Fact]
    public async Task CommentLengthIsOneToTwoThousandCharacters()
    {
        var path = $"/v2/im/{publicImage}/cm";
        // 2000 characters, some outside the BMP: characters, not UTF-16 units, are counted.
        await Member.AcknowledgedAsync(await cast.Stranger.PostJsonAsync(path, new { cm = string.Concat(Enumerable.Repeat("😀", 2000)) }));
        Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.PostJsonAsync(path, new { cm = new string('a', 2001) }), "parameter_invalid"));
        Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent([])), "parameter_missing"));
    }

    [Fact]
    public async Task WrongMediaTypeIsParameterInvalid()
    {
        var content = new StringContent("""{"cm":"x"}""", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        Assert.Contains("body", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", content), "parameter_invalid"));
        var none = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"cm":"x"}"""));
        Assert.Contains("body", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", none), "parameter_invalid"));
    }

    [Fact]
    public async Task NoBodyAtAllIsParameterMissingNamingCm()
    {
        // curl -X POST .../cm without -d: the comment is missing, whatever Content-Type says or does not say.
        Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm"), "parameter_missing"));
        var emptyJson = new ByteArrayContent([]);
        emptyJson.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", emptyJson), "parameter_missing"));
        // A chunked body (no Content-Length) that turns out empty is no body either.
        var chunkedEmpty = new StreamContent(new MemoryStream());
        chunkedEmpty.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var chunked = new HttpRequestMessage(HttpMethod.Post, $"/v2/im/{publicImage}/cm?client_id={cast.Stranger.ClientId}") { Content = chunkedEmpty };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Headers.Authorization = cast.Stranger.Authorization;
        Assert.Contains("cm", await ContractAssert.Error(await cast.Server.Http.SendAsync(chunked), "parameter_missing"));
    }

    [Fact]
    public async Task MultipartFormBodyIsAcceptedLikeAUrlencodedOne()
    {
        // Spec §5 item 5: "form encoding" for cm; curl -F and a browser's FormData send multipart/form-data.
        using var form = new MultipartFormDataContent { { new StringContent("from a multipart form"), "cm" } };
        await Member.AcknowledgedAsync(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", form));
        var texts = (await cast.Stranger.GetJsonAsync($"/v2/im/{publicImage}/cm")).GetProperty("cms").EnumerateArray()
            .Select(c => c.GetProperty("comment").GetString()).ToList();
        Assert.Contains("from a multipart form", texts);
        using var noCm = new MultipartFormDataContent { { new StringContent("x"), "other" } };
        Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, $"/v2/im/{publicImage}/cm", noCm), "parameter_missing"));
    }

    [Fact]
    public async Task MissingCommentIsJudgedBeforeAMalformedKey()
    {
        // CONTRACT.md §4: parameter_missing, then parameter_invalid.
        Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.PostJsonAsync("/v2/im/short/cm", new { }), "parameter_missing"));
        Assert.Contains("cm", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Post, "/v2/im/short/cm"), "parameter_missing"));
    }

    [Fact]
    public async Task BadAndUnknownKeys()
    {
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.PostJsonAsync("/v2/im/short/cm", new { cm = "x" }), "parameter_invalid"));
        await ContractAssert.Error(await cast.Stranger.PostJsonAsync($"/v2/im/{new string('A', 22)}/cm", new { cm = "x" }), "not_found");
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, "/v2/im/bad!/cm"), "parameter_invalid"));
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, "/v2/cm/short"), "parameter_invalid"));
        Assert.Contains("key", await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Delete, "/v2/cm/short"), "parameter_invalid"));
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Get, $"/v2/cm/{new string('B', 22)}"), "not_found");
        await ContractAssert.Error(await cast.Stranger.SendAsync(HttpMethod.Put, $"/v2/cm/{new string('B', 22)}"), "not_found");
    }

    [Fact]
    public async Task ScopeIsJudgedBeforeParameters()
    {
        // A token without a write scope hears about the scope even when the key and body are also wrong.
        var reader = await cast.Stranger.WithScopesAsync("user:read");
        Assert.Contains("public:write", await ContractAssert.Error(await reader.SendJsonAsync(HttpMethod.Post, "/v2/im/bad/cm", "{"), "user_not_authenticated"));
    }
}
