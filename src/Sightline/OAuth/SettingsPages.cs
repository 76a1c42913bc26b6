using System.Text;
using Sightline.Access;
using Sightline.Applications;
using Sightline.Tokens;
using static Sightline.OAuth.HtmlPage;

namespace Sightline.OAuth;

/// <summary>
/// <c>/settings</c>: a signed-in person's authorized applications (with revoke) and the registration
/// of their own applications.
/// </summary>
public static class SettingsPages
{
    public const string Path = "/settings";
    private const string NewApplicationPath = "/settings/applications";

    public static IEndpointRouteBuilder MapSettingsPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, ShowSettings).AllowWithoutClient().AnswersWithHtml().WithName("SettingsPage").ExcludeFromDescription();
        routes.MapPost(Path + "/revoke", RevokeGrant).AllowWithoutClient().AnswersWithHtml().WithName("RevokeGrant").ExcludeFromDescription();
        routes.MapGet(NewApplicationPath, ShowNewApplication).AllowWithoutClient().AnswersWithHtml().WithName("NewApplicationPage").ExcludeFromDescription();
        routes.MapPost(NewApplicationPath, RegisterApplication).AllowWithoutClient().AnswersWithHtml().WithName("RegisterApplication").ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> ShowSettings(HttpContext context, ITokenStore tokens)
    {
        if (SignInPages.UserIdOf(context) is not { } userId)
            return SignInPages.RedirectToSignIn(Path);
        var grants = await tokens.GrantsOfUserAsync(userId);
        var csrf = CsrfInput(context);
        var list = new StringBuilder();
        foreach (var grant in grants)
        {
            var scopes = grant.Scopes.Count == 0
                ? "no scopes"
                : string.Join(", ", grant.Scopes.Select(s => $"<code>{E(s)}</code> ({E(Scopes.Descriptions.GetValueOrDefault(s, s))})"));
            list.Append($"<li><strong>{E(grant.ApplicationName)}</strong>: {scopes}" +
                        $"<form method=\"post\" action=\"{Path}/revoke\">{csrf}<input type=\"hidden\" name=\"client_id\" value=\"{E(grant.ClientId)}\">" +
                        "<button type=\"submit\">Revoke access</button></form></li>");
        }
        var body =
            $"<p>Signed in as <strong>{E(context.User.Identity!.Name)}</strong>.</p><h2>Applications you authorized</h2>" +
            (grants.Count == 0 ? "<p>None.</p>" : $"<ul>{list}</ul>") +
            $"<h2>Your applications</h2><p><a href=\"{NewApplicationPath}\">Register an application</a></p>" +
            $"<form method=\"post\" action=\"/signout\">{csrf}<button type=\"submit\">Sign out</button></form>" +
            $"<p><a href=\"{AccountDeletionPages.Path}\">Delete your account</a></p>";
        return new PageResult(200, "Settings", "", body);
    }

    private static async Task<IResult> RevokeGrant(HttpContext context, IApplicationStore applications, ITokenStore tokens)
    {
        if (!await HasValidCsrfAsync(context))
            return new PageResult(400, "Request refused", "The form was missing its security token or it expired. Reload the page and try again.");
        if (SignInPages.UserIdOf(context) is not { } userId)
            return SignInPages.RedirectToSignIn(Path);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["client_id"].FirstOrDefault() is { Length: > 0 } clientId && await applications.FindAsync(clientId) is { } application)
            await tokens.RevokeGrantAsync(userId, application.Id);
        return Results.Redirect(Path);
    }

    private static IResult ShowNewApplication(HttpContext context) =>
        SignInPages.UserIdOf(context) is null
            ? SignInPages.RedirectToSignIn(NewApplicationPath)
            : new PageResult(200, "Register an application", "", RegistrationForm(context, "", "", problem: null));

    private static async Task<IResult> RegisterApplication(HttpContext context, IApplicationStore applications)
    {
        if (!await HasValidCsrfAsync(context))
            return new PageResult(400, "Request refused", "The form was missing its security token or it expired. Reload the page and try again.");
        if (SignInPages.UserIdOf(context) is not { } userId)
            return SignInPages.RedirectToSignIn(NewApplicationPath);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var name = form["name"].FirstOrDefault()?.Trim() ?? "";
        var redirectText = form["redirect_uris"].FirstOrDefault() ?? "";
        var redirectUris = redirectText.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var isPublic = form["public"].FirstOrDefault() == "on";
        if (redirectUris.Length == 0)
            return new PageResult(400, "Register an application", "", RegistrationForm(context, name, redirectText, "Give at least one redirect URI."));
        try
        {
            var (application, secret) = await applications.AddAsync(name, redirectUris, allowImplicit: false, confidential: !isPublic, ownerUserId: userId);
            var body =
                $"<p>Registered <strong>{E(application.Name)}</strong>.</p>" +
                $"<p>client_id: <code>{E(application.ClientId)}</code></p>" +
                (secret is null
                    ? "<p>This is a public client: it has no secret and must use PKCE (S256).</p>"
                    : $"<p>client_secret: <code>{E(secret)}</code></p><p class=\"error\">Copy the secret now: it is shown only once and cannot be recovered.</p>") +
                $"<p><a href=\"{Path}\">Back to settings</a></p>";
            return new PageResult(200, "Application registered", "", body);
        }
        catch (ArgumentException e)
        {
            return new PageResult(400, "Register an application", "", RegistrationForm(context, name, redirectText, e.Message));
        }
    }

    private static string RegistrationForm(HttpContext context, string name, string redirectUris, string? problem) =>
        (problem is null ? "" : $"<p class=\"error\">{E(problem)}</p>") +
        $"<form method=\"post\" action=\"{NewApplicationPath}\">{CsrfInput(context)}" +
        $"<label for=\"name\">Name shown to people</label><input type=\"text\" id=\"name\" name=\"name\" value=\"{E(name)}\" required>" +
        $"<label for=\"redirect_uris\">Redirect URIs, one per line</label><textarea id=\"redirect_uris\" name=\"redirect_uris\" rows=\"3\" required>{E(redirectUris)}</textarea>" +
        "<label><input type=\"checkbox\" name=\"public\"> Public client (no secret, e.g. a single-page or mobile app)</label>" +
        "<button type=\"submit\">Register</button></form>";
}
