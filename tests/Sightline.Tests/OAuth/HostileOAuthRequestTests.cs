using System.Net;
using System.Text;
using System.Text.Json;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.OAuth;

/// <summary>
/// A seeded stream of malformed requests at the OAuth endpoints and pages: whatever OpenIddict or the
/// pages make of them, the statuses stay inside the contract and nothing is a 500.
/// </summary>
public sealed class HostileOAuthRequestTests : OAuthTestBase
{
    private const int Requests = 400;

    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["RateLimit:AnonymousPerMinute"] = "1000000",
        ["RateLimit:ApplicationPerMinute"] = "1000000",
        ["SignIn:FailuresPerAddress"] = "1000000",
    };

    private static readonly string[] Methods = ["GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];

    private static readonly string[] Paths =
        ["/connect", "/v2/oauth/token", "/v2/oauth/revoke", "/.well-known/oauth-authorization-server", "/signin", "/signout", "/settings",
         "/settings/revoke", "/settings/applications"];

    private static readonly string[] Queries =
    [
        "", "client_id={c}", "client_id={c}&redirect_uri=https%3A%2F%2Fapp.example.org%2Fcb&response_type=code",
        "client_id={c}&redirect_uri=https%3A%2F%2Fapp.example.org%2Fcb&response_type=token&response_type=code",
        "client_id={c}&redirect_uri=https%3A%2F%2Fapp.example.org%2Fcb&response_type=code&request_uri=urn%3Ax",
        "client_id={c}&redirect_uri=https%3A%2F%2Fapp.example.org%2Fcb&response_type=code&code_challenge=x&code_challenge_method=S512",
        "client_id={c}&redirect_uri=https%3A%2F%2Fapp.example.org%2Fcb&response_type=code&prompt=none&max_age=-1",
        "client_id={c}&redirect_uri=javascript%3Aalert(1)&response_type=code", "return=%2F%2Fevil.example", "return=https%3A%2F%2Fevil.example",
        "client_id=%ff", "client_id={c}&client_id={c}",
    ];

    private static readonly string[] Bodies =
    [
        "", "grant_type=authorization_code", "grant_type=authorization_code&code=abc&client_id={c}&client_secret={s}&redirect_uri=x",
        "grant_type=client_credentials&client_id={c}&client_secret={s}", "grant_type=password&username=a&password=b&client_id={c}",
        "grant_type=refresh_token&refresh_token=x&client_id={c}&client_secret={s}", "token=x", "token=x&client_id={c}&client_secret=wrong",
        "username=maria_k&password=x", "decision=allow&client_id={c}", "%%%", "a=1&a=2&grant_type=authorization_code&grant_type=implicit",
        "{\"grant_type\":\"authorization_code\"}", "grant_type=%00", "token=%00&client_id={c}", "username=%00&password=x", "%00=x", "decision=allow%00",
    ];

    private static readonly string?[] ContentTypes = [null, "application/x-www-form-urlencoded", "application/json", "text/plain", "multipart/form-data; boundary=x"];

    private static readonly string?[] Authorizations = [null, null, "Basic {b}", "Basic Zm9vOmJhcg==", "Basic %%%", "Bearer x", "Basic "];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task EveryAnswerStaysInsideTheContract(int seed)
    {
        var random = new Random(seed);
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password); // the session makes the pages reach further
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Confidential.ClientId}:{Confidential.Secret}"));
        for (var i = 0; i < Requests; i++)
        {
            var method = new HttpMethod(Pick(random, Methods));
            var query = Fill(Pick(random, Queries), basic);
            var path = Pick(random, Paths);
            using var request = new HttpRequestMessage(method, path + (query.Length > 0 ? "?" + query : ""));
            if (Pick(random, Authorizations) is { } authorization)
                request.Headers.TryAddWithoutValidation("Authorization", Fill(authorization, basic));
            if (method != HttpMethod.Get && method != HttpMethod.Head)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Fill(Pick(random, Bodies), basic)));
                if (Pick(random, ContentTypes) is { } contentType)
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
            var description = $"{request.Method} {request.RequestUri}";
            using var response = await browser.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(ContractAssert.AllowedStatuses.Contains(status), $"{status} for {description}: {body}");
            Assert.True(status != 500, $"500 for {description}: {body}\n" +
                string.Join("\n", Server.Logs.Entries.Where(e => e.Exception is not null).Select(e => e.Exception!.ToString())));
            if (status == 302)
                Assert.DoesNotContain("evil.example", response.Headers.Location!.OriginalString);
            if (status >= 400 && method != HttpMethod.Head && response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                using var json = JsonDocument.Parse(body);
                Assert.True(json.RootElement.TryGetProperty("code", out var code), $"no code for {description}: {body}");
                Assert.True(ContractAssert.Catalogue[code.GetString()!] == status, $"{code} with {status} for {description}");
            }
        }
    }

    // A form the framework cannot decode (%00) was an InvalidDataException and a 500 wherever a form is read (issue 13).
    [Theory]
    [InlineData("grant_type=%00")]
    [InlineData("grant_type=authorization_code&code=%00")]
    [InlineData("%00=x")]
    public async Task NulInTheTokenRequestIsParameterInvalidInBothVocabularies(string body)
    {
        using var response = await Server.Http.PostAsync("/v2/oauth/token", new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"));
        await AssertBothVocabularies(response, "invalid_request");
        Assert.DoesNotContain(Server.Logs.Entries, e => e.Exception is not null);
    }

    [Fact]
    public async Task NulInTheRevocationRequestIsParameterInvalidInBothVocabularies()
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Confidential.ClientId}:{Confidential.Secret}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/oauth/revoke")
        {
            Content = new StringContent("token=%00", Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + basic);
        using var response = await Server.Http.SendAsync(request);
        await AssertBothVocabularies(response, "invalid_request");
    }

    [Theory]
    [InlineData("/connect")]
    [InlineData("/signin")]
    [InlineData("/signout")]
    [InlineData("/settings/revoke")]
    [InlineData("/settings/applications")]
    public async Task NulInAPageFormIsTheHtmlPageWithStatus400(string path)
    {
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        var query = path == "/connect" ? AuthorizeUrl(Confidential)[path.Length..] : "";
        using var response = await browser.Http.PostAsync(path + query,
            new StringContent("csrf=%00&decision=allow&name=%00", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(Server.Logs.Entries, e => e.Exception is not null);
    }

    [Fact]
    public async Task SignOutWithoutItsCsrfFieldIsTheRefusalPageAndKeepsTheSession()
    {
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        using var refused = await browser.Http.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Sign-out refused", await refused.Content.ReadAsStringAsync());
        using var settings = await browser.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.OK, settings.StatusCode); // still signed in
    }

    [Fact]
    public async Task SignOutWithItsCsrfFieldEndsTheSession()
    {
        using var browser = new Browser(Server.BaseAddress);
        await browser.SignInAsync(Username, Password);
        var page = await (await browser.GetAsync("/settings")).Content.ReadAsStringAsync();
        var csrf = System.Text.RegularExpressions.Regex.Match(page, "name=\"csrf\" value=\"([^\"]*)\"").Groups[1].Value;
        using var signedOut = await browser.Http.PostAsync("/signout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["csrf"] = System.Net.WebUtility.HtmlDecode(csrf) }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/signin", signedOut.Headers.Location!.OriginalString);
        using var settings = await browser.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, settings.StatusCode); // back to the sign-in page
    }

    private static async Task AssertBothVocabularies(HttpResponseMessage response, string error)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("parameter_invalid", json.RootElement.GetProperty("code").GetString());
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
        ContractAssert.AssertNothingLeaks(json.RootElement.GetProperty("message").GetString()!);
    }

    private string Fill(string template, string basic) =>
        template.Replace("{c}", Confidential.ClientId).Replace("{s}", Confidential.Secret).Replace("{b}", basic);

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
