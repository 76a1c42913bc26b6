using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Sightline.Access;
using Sightline.Applications;
using Sightline.Tokens;
using static Sightline.OAuth.HtmlPage;

namespace Sightline.OAuth;

/// <summary>
/// <c>/connect</c>: the authorization endpoint (RFC 6749 §3.1). OpenIddict has parsed and checked the
/// request before these handlers run; they show consent and tell OpenIddict the person's answer.
/// </summary>
public static class ConnectPages
{
    public const string Path = "/connect";

    /// <summary>Claim in the authorization code naming our application row, so the token endpoint knows whom it issues for.</summary>
    public const string ApplicationClaim = "sl_app";

    /// <summary>
    /// Claim in the authorization code holding when it was issued, in epoch milliseconds: OpenIddict's own creation date has
    /// whole seconds, too coarse to tell a code issued just before a revocation at /settings from one issued just after.
    /// </summary>
    public const string IssuedAtClaim = "sl_issued_ms";

    private static readonly IReadOnlyList<string> RequestParameters = ConnectRequests.RequestParameters;

    public static IEndpointRouteBuilder MapConnectPages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Authorize).AllowWithoutClient().AnswersWithHtml().WithName("ConnectPage").ExcludeFromDescription();
        routes.MapPost(Path, Decide).AllowWithoutClient().AnswersWithHtml().WithName("ConnectDecision").ExcludeFromDescription();
        return routes;
    }

    private static async Task<IResult> Authorize(HttpContext context, ConnectRequests requests, IApplicationStore applications, ITokenStore tokens,
        IOptions<TokenLifetimeOptions> lifetime, WebApp.WebAppClient webApp)
    {
        if (await RefusalAsync(context, requests) is { } refusal)
            return refusal;
        var request = context.GetOpenIddictServerRequest()!;
        if (SignInPages.UserIdOf(context) is not { } userId)
            return SignInPages.RedirectToSignIn(Path + context.Request.QueryString);

        var application = (await applications.FindAsync(request.ClientId!))!;
        // The server's own web app is first-party: signing in to it is the consent, as on any site's own pages. Its code
        // goes only to its registered callback and needs its PKCE verifier; every other client gets the page below.
        if (webApp.IsWebApp(application.ClientId))
            return await GrantAsync(context, request, application, userId, tokens, lifetime.Value);
        var scopes = request.GetScopes();
        var items = new StringBuilder();
        foreach (var scope in scopes)
            items.Append($"<li><code>{E(scope)}</code>: {E(Scopes.Descriptions[scope])}</li>");
        if (items.Length == 0)
            items.Append("<li>know who you are on this server (no other access)</li>");

        // The request as the application sent it, so OpenIddict validates the same request again on Allow.
        var hidden = new StringBuilder();
        var shown = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in RequestParameters)
        {
            if (context.Request.Query[name].FirstOrDefault() is { Length: > 0 } value)
            {
                hidden.Append($"<input type=\"hidden\" name=\"{name}\" value=\"{E(value)}\">");
                shown[name] = value;
            }
        }
        hidden.Append($"<input type=\"hidden\" name=\"{ShownRequestField}\" value=\"{E(ConsentProtector(context).Protect(ShownRequest(userId, shown)))}\">");
        var body =
            $"<p><strong>{E(application.Name)}</strong> asks to act for <strong>{E(context.User.Identity!.Name)}</strong>. It will be able to:</p>" +
            $"<ul>{items}</ul>" +
            $"<p>You can revoke this at any time on your <a href=\"/settings\">settings page</a>.</p>" +
            $"<form method=\"post\" action=\"{Path}\">{CsrfInput(context)}{hidden}" +
            "<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>" +
            "<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>";
        return new PageResult(200, $"Authorize {application.Name}", "", body, FormActionSource(request.RedirectUri!) is { } target ? [target] : null);
    }

    private static async Task<IResult> Decide(HttpContext context, ConnectRequests requests, IApplicationStore applications, ITokenStore tokens,
        IOptions<TokenLifetimeOptions> lifetime)
    {
        if (await RefusalAsync(context, requests) is { } refusal)
            return refusal;
        if (!await HasValidCsrfAsync(context))
            return new PageResult(400, "Request refused", "The consent form was missing its security token or it expired. Go back to the application and start again.");
        var request = context.GetOpenIddictServerRequest()!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (SignInPages.UserIdOf(context) is not { } userId)
            return SignInPages.RedirectToSignIn(Path + QueryOf(form));

        // The person consented to the request the page showed: the form's fields must be that request, not a widened one.
        if (!ShowsTheSameRequest(context, form, userId))
            return new PageResult(400, "Request refused", "The consent form does not match the request it was shown for. Go back to the application and start again.");

        if (form["decision"].FirstOrDefault() != "allow")
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = OAuthErrors.AccessDenied,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The person denied the application access.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var application = (await applications.FindAsync(request.ClientId!))!;
        return await GrantAsync(context, request, application, userId, tokens, lifetime.Value);
    }

    /// <summary>Hidden field of the consent form: the request the page showed, for this person, data-protected.</summary>
    private const string ShownRequestField = "shown_request";

    private static IDataProtector ConsentProtector(HttpContext context) =>
        context.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("Sightline.OAuth.ConsentForm");

    private static string ShownRequest(long userId, SortedDictionary<string, string> parameters) =>
        System.Text.Json.JsonSerializer.Serialize(new { user = userId, parameters });

    // The posted request parameters, each sent once, are exactly those the consent page was rendered with for this person.
    private static bool ShowsTheSameRequest(HttpContext context, IFormCollection form, long userId)
    {
        if (form[ShownRequestField].Count != 1)
            return false;
        var posted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in RequestParameters)
        {
            if (form[name].Count > 1)
                return false;
            if (form[name].FirstOrDefault() is { Length: > 0 } value)
                posted[name] = value;
        }
        try
        {
            return ConsentProtector(context).Unprotect(form[ShownRequestField].ToString()) == ShownRequest(userId, posted);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    // The person allowed the request (or it came from the web app): the code or, for the implicit flow, the token.
    private static async Task<IResult> GrantAsync(HttpContext context, OpenIddictRequest request, Application application, long userId, ITokenStore tokens,
        TokenLifetimeOptions lifetime)
    {
        var scopes = request.GetScopes();
        // The server's own web app is first-party: an administrator signing in to it may moderate there too.
        // No other application can be granted mapillary:admin at /connect (ConnectRequests.GrantableScopes).
        if (context.RequestServices.GetRequiredService<WebApp.WebAppClient>().IsWebApp(application.ClientId)
            && await context.RequestServices.GetRequiredService<Users.IUserStore>().FindByIdAsync(userId) is { IsAdmin: true })
            scopes = [.. scopes, Scopes.MapillaryAdmin];
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        identity.SetClaim(OpenIddictConstants.Claims.Subject, userId.ToString(CultureInfo.InvariantCulture));
        identity.SetClaim(ApplicationClaim, application.Id.ToString(CultureInfo.InvariantCulture));
        identity.SetClaim(IssuedAtClaim, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);

        if (request.ResponseType == ConnectRequests.ResponseTypes.Token)
        {
            // The implicit flow answers with our token straight away; OpenIddictHandlers swaps it into the response.
            var token = await tokens.IssueAsync(userId, application.Id, scopes, lifetime.ExpiresAt(DateTimeOffset.UtcNow));
            context.Items[OpenIddictHandlers.ImplicitTokenItem] = new OpenIddictHandlers.ImplicitToken(token, string.Join(' ', scopes), lifetime.ExpiresIn,
                application.ImplicitInQuery);
        }
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    // OpenIddict passes the requests it refused through to us (error passthrough). RFC 6749 §4.1.2.1:
    // with a bad client or redirect URI the person sees the error here; any other goes back to the client.
    private static async Task<IResult?> RefusalAsync(HttpContext context, ConnectRequests requests)
    {
        var request = context.GetOpenIddictServerRequest();
        var response = context.GetOpenIddictServerResponse();
        if (request is null)
            return new PageResult(400, "Request refused", "This page is reached from an application's sign-in link.");
        // Which application, or where to send the answer, is ambiguous: nothing can be sent back (RFC 6749 §4.1.2.1).
        if (ConnectRequests.RepeatedParameter(context.Request) is { } twice and ("client_id" or "redirect_uri"))
            return new PageResult(400, "Application link not valid", $"The link that brought you here has {twice} more than once, so it does not say which one is meant.");
        var (application, problem) = await requests.CheckClientAsync(request.ClientId, request.RedirectUri);
        if (application is null)
            return new PageResult(400, "Application link not valid", problem!);
        if (response?.Error is not { } error)
            return null;

        var parameters = new List<KeyValuePair<string, string?>>
        {
            new("error", error),
            new("error_description", response.ErrorDescription),
            new("state", request.State),
            new("iss", Issuer(context)),
        };
        var separator = ConnectRequests.AnswersInFragment(request.ResponseType, request.ResponseMode, application.ImplicitInQuery) ? "#"
            : request.RedirectUri!.Contains('?') ? "&" : "?";
        var encoded = string.Join('&', parameters.Where(p => p.Value is not null)
            .Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
        return Results.Redirect(request.RedirectUri + separator + encoded);
    }

    // The issuer as OpenIddict reports it (RFC 9207 "iss"), so clients can check where errors come from.
    private static string Issuer(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<OpenIddict.Server.OpenIddictServerOptions>>().CurrentValue.Issuer?.AbsoluteUri
        ?? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/";

    // The authorization request carried by the consent form, as a query to come back to after signing in.
    private static string QueryOf(IFormCollection form)
    {
        var pairs = RequestParameters
            .Select(name => (name, value: form[name].FirstOrDefault()))
            .Where(p => !string.IsNullOrEmpty(p.value))
            .Select(p => $"{p.name}={Uri.EscapeDataString(p.value!)}");
        return "?" + string.Join('&', pairs);
    }
}
