using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Sightline.Access;
using Sightline.Users;
using static Sightline.OAuth.HtmlPage;

namespace Sightline.OAuth;

/// <summary><c>/signin</c> and <c>/signout</c>: the person's session, which /connect and /settings need.</summary>
public static class SignInPages
{
    public const string Path = "/signin";

    public static IEndpointRouteBuilder MapSignInPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, ShowSignIn).AllowWithoutClient().AnswersWithHtml().WithName("SignInPage").ExcludeFromDescription();
        routes.MapPost(Path, SignIn).AllowWithoutClient().AnswersWithHtml().WithName("SignIn").ExcludeFromDescription();
        routes.MapPost("/signout", SignOut).AllowWithoutClient().AnswersWithHtml().WithName("SignOut").ExcludeFromDescription();
        return routes;
    }

    /// <summary>Claim of the session cookie holding the account's <see cref="User.SessionStamp"/> at sign-in.</summary>
    private const string StampClaim = "sl_session_stamp";

    /// <summary>The signed-in person's user id, or null without a valid session.</summary>
    public static long? UserIdOf(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true &&
        long.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>A 302 to the sign-in page that comes back to <paramref name="returnPath"/> afterwards.</summary>
    public static IResult RedirectToSignIn(string returnPath) =>
        Results.Redirect($"{Path}?return={Uri.EscapeDataString(returnPath)}");

    private static Task ShowSignIn(HttpContext context) =>
        Form(context, 200, SafeReturn(context.Request.Query["return"]), username: "", problem: null);

    private static async Task SignIn(HttpContext context, IUserStore users, SignInThrottle throttle)
    {
        if (!await HasValidCsrfAsync(context))
        {
            await ErrorAsync(context, 400, "Sign-in refused", "The form was missing its security token or it expired. Go back, reload the page and try again.");
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var returnPath = SafeReturn(form["return"]);
        var username = form["username"].FirstOrDefault()?.Trim() ?? "";
        var password = form["password"].FirstOrDefault() ?? "";
        var address = context.Connection.RemoteIpAddress;

        var (wait, user) = await throttle.AttemptAsync(username, address,
            async () => username.Length > 0 && await users.VerifyPasswordAsync(username, password) ? await users.FindByUsernameAsync(username) : null,
            context.RequestAborted);
        if (wait is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Form(context, 429, returnPath, username, $"Too many failed sign-ins. Try again in {seconds} seconds.");
            return;
        }
        if (user is null)
        {
            await Form(context, 401, returnPath, username, "Wrong username or password.");
            return;
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Name, user.Username),
                new Claim(StampClaim, user.SessionStamp.ToString(CultureInfo.InvariantCulture)),
            ],
            OAuthServer.SessionScheme);
        await context.SignInAsync(OAuthServer.SessionScheme, new ClaimsPrincipal(identity));
        context.Response.Redirect(returnPath);
    }

    // A plain RequestDelegate on purpose: a Func<HttpContext, Task<IResult>> binds to MapPost's RequestDelegate overload,
    // which drops the returned result (that answered 200 with an empty body, the refusal page never left).
    private static async Task SignOut(HttpContext context)
    {
        if (!await HasValidCsrfAsync(context))
        {
            await ErrorAsync(context, 400, "Sign-out refused", "The form was missing its security token. Reload the page and try again.");
            return;
        }
        // Deleting the cookie only forgets this browser's copy; moving the stamp ends the session wherever a copy is kept.
        // The stamp is the account's, so every other browser the person signed in with is signed out too.
        if (UserIdOf(context) is { } userId)
            await context.RequestServices.GetRequiredService<IUserStore>().EndSessionsAsync(userId);
        await context.SignOutAsync(OAuthServer.SessionScheme);
        context.Response.Redirect(Path);
    }

    /// <summary>
    /// The cookie's validation event, run on every request that reads the session: a session of an account that is gone,
    /// disabled, or whose stamp has moved on since sign-in (sign-out, password change) is treated as signed out.
    /// </summary>
    public static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var valid = false;
        if (long.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var userId))
        {
            // A cookie from before session stamps existed carries none: it stands for stamp 0, the stamp every account started with.
            var stamp = long.TryParse(principal!.FindFirstValue(StampClaim), CultureInfo.InvariantCulture, out var sent) ? sent : 0;
            var user = await context.HttpContext.RequestServices.GetRequiredService<IUserStore>().FindByIdAsync(userId);
            valid = user is { DisabledAt: null, DeletedAt: null } && user.SessionStamp == stamp;
        }
        if (!valid)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(OAuthServer.SessionScheme);
        }
    }

    private static Task Form(HttpContext context, int status, string returnPath, string username, string? problem)
    {
        var body =
            (problem is null ? "" : $"<p class=\"error\" role=\"alert\" id=\"signin-problem\">{E(problem)}</p>") +
            $"<form method=\"post\" action=\"{Path}\">{CsrfInput(context)}" +
            $"<input type=\"hidden\" name=\"return\" value=\"{E(returnPath)}\">" +
            $"<label for=\"username\">Username</label><input type=\"text\" id=\"username\" name=\"username\" value=\"{E(username)}\" autocomplete=\"username\" required>" +
            "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>" +
            "<button type=\"submit\">Sign in</button></form>" +
            // Accounts are made with the server's command line (sightline users add): there is no page to sign up on.
            "<p class=\"muted\">No account? This server's administrator creates them. <a href=\"/\">Back to the map</a></p>";
        return WriteAsync(context, status, "Sign in", body);
    }

    // Only a path on this server: an absolute or protocol-relative URL here would be an open redirect.
    private static string SafeReturn(string? candidate) =>
        candidate is { Length: > 1 } path && path[0] == '/' && path[1] is not ('/' or '\\') && !path.Any(char.IsControl)
            ? path
            : "/settings";
}

/// <summary>An HTML page as a minimal-API result, for handlers that also answer with redirects.</summary>
public sealed class PageResult(int status, string title, string message, string? bodyHtml = null, IEnumerable<string>? formTargets = null) : IResult
{
    public Task ExecuteAsync(HttpContext context) =>
        bodyHtml is null
            ? HtmlPage.ErrorAsync(context, status, title, message)
            : HtmlPage.WriteAsync(context, status, title, bodyHtml, formTargets);
}
