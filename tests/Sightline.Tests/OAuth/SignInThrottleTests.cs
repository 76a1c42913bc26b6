using System.Net;

namespace Sightline.Tests.OAuth;

/// <summary>Failed sign-ins are limited per account and per address (issue 5).</summary>
public sealed class SignInThrottleTests : OAuthTestBase
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["SignIn:FailuresPerAccount"] = "3",
        ["SignIn:FailuresPerAddress"] = "6",
        ["SignIn:WindowSeconds"] = "3600",
    };

    [Fact]
    public async Task AccountIsThrottledAfterRepeatedFailuresEvenForTheRightPassword()
    {
        using var browser = new Browser(Server.BaseAddress);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await TrySignIn(browser, Username, "wrong password")).StatusCode);

        var throttled = await TrySignIn(browser, Username, Password);
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.True(int.Parse(throttled.Headers.GetValues("Retry-After").Single()) > 0);
        Assert.Null(throttled.Headers.Location);
    }

    [Fact]
    public async Task AddressIsThrottledAcrossAccounts()
    {
        await Server.AddUserAsync("other_person", Password);
        using var browser = new Browser(Server.BaseAddress);
        for (var i = 0; i < 6; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await TrySignIn(browser, $"guess_{i}", "wrong password")).StatusCode);
        Assert.Equal((HttpStatusCode)429, (await TrySignIn(browser, "other_person", Password)).StatusCode);
    }

    [Fact]
    public async Task FewerFailuresThanTheLimitStillLetThePersonIn()
    {
        using var browser = new Browser(Server.BaseAddress);
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await TrySignIn(browser, Username, "wrong password")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await TrySignIn(browser, Username, Password)).StatusCode);
    }

    [Fact]
    public async Task AWrongPasswordBurstGetsExactlyTheAccountsFailures()
    {
        // Twenty wrong passwords for one account at once: exactly its 3 failures are checked (401), the rest refused (429).
        // Before, every attempt looked at the count before any failure was recorded, and more got through.
        Assert.Equal((3, 17), await WrongPasswordsAtOnceAsync(Enumerable.Repeat(Username, 20)));
    }

    [Fact]
    public async Task AWrongPasswordBurstOverManyAccountsGetsExactlyTheAddresssFailures()
    {
        // Twelve accounts, one wrong password each, all at once from one address: exactly the address's 6 failures are
        // checked (401), the rest refused (429). The accounts' turns alone let them all look at the address's count first.
        var usernames = Enumerable.Range(0, 12).Select(i => $"sprayed_{i}").ToList();
        foreach (var username in usernames)
            await Server.AddUserAsync(username, Password);
        Assert.Equal((6, 6), await WrongPasswordsAtOnceAsync(usernames));
    }

    // One wrong password for each username, all sent at once from one browser; answers how many were checked (401) and
    // how many refused (429).
    private async Task<(int Checked, int Refused)> WrongPasswordsAtOnceAsync(IEnumerable<string> usernames)
    {
        using var browser = new Browser(Server.BaseAddress);
        var page = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = usernames.Select(async username =>
        {
            await start.Task;
            using var response = await browser.SubmitAsync(page, new Dictionary<string, string> { ["username"] = username, ["password"] = "wrong password" });
            return (int)response.StatusCode;
        }).ToArray();
        start.SetResult();
        var statuses = await Task.WhenAll(attempts);
        return (statuses.Count(s => s == 401), statuses.Count(s => s == 429));
    }

    private static async Task<HttpResponseMessage> TrySignIn(Browser browser, string username, string password)
    {
        var page = await (await browser.GetAsync("/signin")).Content.ReadAsStringAsync();
        return await browser.SubmitAsync(page, new Dictionary<string, string> { ["username"] = username, ["password"] = password });
    }
}
