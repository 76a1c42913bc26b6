using Microsoft.AspNetCore.Authentication;
using Sightline.Access;
using Sightline.Me;
using Sightline.Users;
using static Sightline.OAuth.HtmlPage;

namespace Sightline.OAuth;

/// <summary>
/// <c>/settings/delete-account</c>: a signed-in person deletes their own account and photos (issue 13, GDPR), after
/// typing their username to confirm. Their comments stay, shown as written by "deleted user".
/// </summary>
public static class AccountDeletionPages
{
    public const string Path = "/settings/delete-account";

    public static IEndpointRouteBuilder MapAccountDeletionPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Show).AllowWithoutClient().AnswersWithHtml().WithName("DeleteAccountPage").ExcludeFromDescription();
        routes.MapPost(Path, Delete).AllowWithoutClient().AnswersWithHtml().WithName("DeleteAccount").ExcludeFromDescription();
        return routes;
    }

    private static IResult Show(HttpContext context) =>
        SignInPages.UserIdOf(context) is null
            ? SignInPages.RedirectToSignIn(Path)
            : new PageResult(200, "Delete your account", "", Form(context, problem: null));

    private static async Task<IResult> Delete(HttpContext context, IUserStore users, AccountDeletion deletion)
    {
        if (!await HasValidCsrfAsync(context))
            return new PageResult(400, "Request refused", "The form was missing its security token or it expired. Reload the page and try again.");
        if (SignInPages.UserIdOf(context) is not { } userId)
            return SignInPages.RedirectToSignIn(Path);
        var user = await users.FindByIdAsync(userId);
        if (user is null || user.DeletedAt is not null)
            return SignInPages.RedirectToSignIn(SettingsPages.Path);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!string.Equals(form["confirm"].FirstOrDefault()?.Trim(), user.Username, StringComparison.OrdinalIgnoreCase))
            return new PageResult(400, "Delete your account", "", Form(context, "Type your username exactly to confirm."));
        var photos = (await deletion.DeleteAsync(user, withPhotos: true)).Photos;
        await context.SignOutAsync(OAuthServer.SessionScheme);
        return new PageResult(200, "Account deleted", "",
            $"<p>Your account and {photos} photos were deleted. Your comments stay, shown as written by “deleted user”.</p>");
    }

    private static string Form(HttpContext context, string? problem) =>
        (problem is null ? "" : $"<p class=\"error\">{E(problem)}</p>") +
        "<p>This deletes your account and every photo you uploaded, for good. Download them first from an application " +
        "with <code>GET /v2/me/takeout</code>.</p>" +
        $"<form method=\"post\" action=\"{Path}\">{CsrfInput(context)}" +
        "<label for=\"confirm\">Type your username to confirm</label><input type=\"text\" id=\"confirm\" name=\"confirm\" required>" +
        "<button type=\"submit\">Delete my account and photos</button></form>";
}
