using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;

namespace Sightline.Tests.OAuth;

/// <summary>
/// A person's browser against the test server: keeps cookies, does not follow redirects (the tests
/// look at each one), and submits the HTML forms the pages render, hidden fields and CSRF token included.
/// </summary>
public sealed partial class Browser : IDisposable
{
    public Browser(Uri baseAddress)
    {
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
        };
    }

    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }

    public Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);

    /// <summary>Submits the first form of <paramref name="html"/> with its hidden fields, overridden or extended by <paramref name="fields"/>.</summary>
    public Task<HttpResponseMessage> SubmitAsync(string html, IDictionary<string, string>? fields = null, bool withoutCsrf = false)
    {
        var form = FormPattern().Match(html);
        Assert.True(form.Success, "the page has no form: " + html);
        var values = new Dictionary<string, string>();
        foreach (Match input in HiddenInputPattern().Matches(form.Groups["body"].Value))
            values[HttpUtility.HtmlDecode(input.Groups["name"].Value)] = HttpUtility.HtmlDecode(input.Groups["value"].Value);
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
            values[name] = value;
        if (withoutCsrf)
            values.Remove("csrf");
        return Http.PostAsync(HttpUtility.HtmlDecode(form.Groups["action"].Value), new FormUrlEncodedContent(values));
    }

    /// <summary>Follows the /connect flow from the authorization URL to the consent page, signing in on the way.</summary>
    public async Task<string> SignInToConsentAsync(string authorizeUrl, string username, string password)
    {
        var start = await GetAsync(authorizeUrl);
        if (start.StatusCode == HttpStatusCode.OK)
            return await start.Content.ReadAsStringAsync(); // already signed in
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var signInPage = await GetAsync(start.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, signInPage.StatusCode);
        var signedIn = await SubmitAsync(await signInPage.Content.ReadAsStringAsync(),
            new Dictionary<string, string> { ["username"] = username, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var consent = await GetAsync(signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        return await consent.Content.ReadAsStringAsync();
    }

    /// <summary>Signs in directly (for pages outside the /connect flow).</summary>
    public async Task SignInAsync(string username, string password)
    {
        var page = await GetAsync("/signin");
        var response = await SubmitAsync(await page.Content.ReadAsStringAsync(),
            new Dictionary<string, string> { ["username"] = username, ["password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The parameters of a redirect's query, or of its fragment for the implicit flow.</summary>
    public static System.Collections.Specialized.NameValueCollection RedirectParameters(HttpResponseMessage response, bool fragment = false)
    {
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, $"not an absolute redirect: {location}");
        return HttpUtility.ParseQueryString(fragment ? location.Fragment.TrimStart('#') : location.Query);
    }

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (verifier, challenge);
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("<form[^>]*action=\"(?<action>[^\"]*)\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex HiddenInputPattern();
}
