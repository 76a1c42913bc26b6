using Sightline.Access;
using Sightline.Applications;

namespace Sightline.OAuth;

/// <summary>
/// The Sightline rules for an authorization request at <c>/connect</c>, over what OpenIddict checks
/// itself: registered client, exact redirect URI, PKCE for public clients, implicit only when enabled,
/// no first-party scopes.
/// </summary>
public sealed class ConnectRequests(IApplicationStore applications)
{
    /// <summary>Scopes a third-party application may ask a person for; the first-party ones never are.</summary>
    public static readonly IReadOnlyList<string> GrantableScopes =
        Scopes.Descriptions.Keys.Where(s => s is not (Scopes.MapillaryUser or Scopes.MapillaryAdmin)).ToList();

    /// <summary>The parameters of an authorization request this server reads (RFC 6749 §4.1.1, §4.2.1, RFC 7636 §4.3).</summary>
    public static readonly IReadOnlyList<string> RequestParameters =
        ["client_id", "redirect_uri", "response_type", "response_mode", "scope", "state", "code_challenge", "code_challenge_method"];

    /// <summary>
    /// The first of <see cref="RequestParameters"/> the request sends more than once (in its query, or its form for a POST),
    /// or null. RFC 6749 §3.1: request parameters MUST NOT be included more than once; such a request is invalid_request.
    /// </summary>
    public static string? RepeatedParameter(HttpRequest http)
    {
        var form = HttpMethods.IsPost(http.Method) && http.HasFormContentType ? http.Form : null;
        return RequestParameters.FirstOrDefault(name => (form is null ? http.Query[name] : form[name]).Count > 1);
    }

    /// <summary>The application when client_id and redirect_uri are both right; otherwise why not, for the person to read.</summary>
    public async Task<(Application? Application, string? Problem)> CheckClientAsync(string? clientId, string? redirectUri)
    {
        if (string.IsNullOrEmpty(clientId))
            return (null, "The link that brought you here has no client_id, so it does not say which application is asking.");
        var application = await applications.FindAsync(clientId);
        if (application is not { Enabled: true })
            return (null, "The application that sent you here is not registered with this server, or it was disabled.");
        if (string.IsNullOrEmpty(redirectUri))
            return (null, "The link that brought you here has no redirect_uri.");
        // RFC 9700 §4.1.3: exact string comparison, no pattern or prefix matching.
        var registered = await applications.RedirectUrisAsync(application.Id);
        if (!registered.Contains(redirectUri, StringComparer.Ordinal))
            return (null, "The redirect_uri in the link is not one registered for this application, so you are not sent there.");
        return (application, null);
    }

    /// <summary>The OAuth error for a request from a known client to a registered redirect URI, or null when it may go on.</summary>
    public static (string Error, string Description)? CheckFlow(Application application, string? responseType, string? responseMode,
        string? codeChallenge, string? codeChallengeMethod, IEnumerable<string> scopes)
    {
        // form_post would make OpenIddict answer with its own auto-submitting page, outside our page headers.
        if (responseMode is not (null or "" or "query" or "fragment"))
            return (OAuthErrors.InvalidRequest, "response_mode must be query or fragment.");
        // RFC 6749 §4.1.2.1: a missing required parameter is invalid_request; a value we do not serve is unsupported_response_type.
        if (string.IsNullOrEmpty(responseType))
            return (OAuthErrors.InvalidRequest, "response_type is missing: send code, or token (alias implicit) for the implicit flow.");
        if (responseType is not (ResponseTypes.Code or ResponseTypes.Token))
            return (OAuthErrors.UnsupportedResponseType, "response_type must be code, or token (alias implicit) for the implicit flow.");
        if (responseType == ResponseTypes.Token && !application.AllowImplicit)
            return (OAuthErrors.UnauthorizedClient, "The implicit flow (response_type=token) is not enabled for this application; use response_type=code with PKCE.");
        if (!string.IsNullOrEmpty(codeChallenge) && codeChallengeMethod != "S256")
            return (OAuthErrors.InvalidRequest, "code_challenge_method must be S256; plain is not accepted.");
        // RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters; §4.1's alphabet and lengths bound any challenge.
        if (!string.IsNullOrEmpty(codeChallenge) && !IsChallengeShaped(codeChallenge))
            return (OAuthErrors.InvalidRequest, "code_challenge must be 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~' (RFC 7636).");
        if (responseType == ResponseTypes.Code && !application.HasSecret && string.IsNullOrEmpty(codeChallenge))
            return (OAuthErrors.InvalidRequest, "code_challenge is missing: public clients must use PKCE with S256.");
        var refused = scopes.FirstOrDefault(s => !GrantableScopes.Contains(s));
        if (refused is not null)
            return (OAuthErrors.InvalidScope, $"The scope '{refused}' cannot be granted to applications at /connect.");
        return null;
    }

    private static bool IsChallengeShaped(string challenge) =>
        challenge.Length is >= 43 and <= 128 && challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~');

    /// <summary>
    /// Whether an answer to this request goes back in the redirect URI's fragment rather than its query: an implicit flow's
    /// does, except to an application registered with --legacy-implicit-query (old clients that read only the query).
    /// </summary>
    public static bool AnswersInFragment(string? responseType, string? responseMode, bool legacyImplicitQuery) =>
        responseMode == "fragment" || (responseType == ResponseTypes.Token && responseMode != "query" && !legacyImplicitQuery);

    /// <summary>response_type values of the v2 API; <c>implicit</c> is an alias of <c>token</c> (spec §5 item 9).</summary>
    public static class ResponseTypes
    {
        public const string Code = "code";
        public const string Token = "token";
        public const string ImplicitAlias = "implicit";
    }
}
