using System.Web;
using Sightline.Client.Http;
using Sightline.Client.Models;
using Sightline.Client.OAuth;

namespace Sightline.Client;

public sealed partial class SightlineClient
{
    /// <summary>
    /// Prepares the OAuth 2.0 authorization code flow with PKCE (S256): the <c>/connect</c> URL to send the person's browser to,
    /// with a fresh <c>state</c> and verifier to keep until the redirect comes back.
    /// </summary>
    /// <param name="scopes">The scopes asked for, e.g. <c>user:read</c> and <c>public:upload</c>.</param>
    /// <param name="redirectUri">The registered redirect URI; <see cref="SightlineClientOptions.RedirectUri"/> when null.</param>
    /// <param name="state">The state to send; a random one when null.</param>
    /// <returns>The URL and what to keep.</returns>
    public AuthorizationRequest CreateAuthorizationRequest(IEnumerable<string> scopes, Uri? redirectUri = null, string? state = null)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var redirect = redirectUri ?? options.RedirectUri
            ?? throw new ArgumentException("Name a redirect URI here or in SightlineClientOptions.RedirectUri.", nameof(redirectUri));
        var pkce = Pkce.Create();
        state ??= Pkce.Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var query = new QueryString()
            .Add("response_type", "code")
            .Add("redirect_uri", redirect.AbsoluteUri)
            .Add("scope", string.Join(' ', scopes))
            .Add("state", state)
            .Add("code_challenge", pkce.Challenge)
            .Add("code_challenge_method", pkce.Method);
        return new AuthorizationRequest { Url = BuildUri("connect", query), State = state, Pkce = pkce, RedirectUri = redirect };
    }

    /// <summary>Reads the code from the redirect the person's browser came back with, after checking its <c>state</c>.</summary>
    /// <param name="redirect">The full redirect URL (with its query).</param>
    /// <param name="request">The request made by <see cref="CreateAuthorizationRequest"/>.</param>
    /// <returns>The authorization code.</returns>
    /// <exception cref="SightlineApiException">The redirect carries an OAuth <c>error</c> (e.g. <c>access_denied</c>), a wrong state or no code.</exception>
    public static string ReadAuthorizationCode(Uri redirect, AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(redirect);
        ArgumentNullException.ThrowIfNull(request);
        var parameters = HttpUtility.ParseQueryString(redirect.Query);
        if (parameters["state"] != request.State)
            throw new SightlineApiException(302, SightlineErrorCode.Unknown, null,
                "The redirect's state is not the one sent: it may not answer this request.", oauthError: "invalid_state");
        if (parameters["error"] is { Length: > 0 } error)
            throw new SightlineApiException(302, SightlineErrorCode.Unknown, null, parameters["error_description"] is { Length: > 0 } text ? text : error,
                oauthError: error);
        return parameters["code"] is { Length: > 0 } code
            ? code
            : throw new SightlineApiException(302, SightlineErrorCode.Unknown, null, "The redirect carries no code.", oauthError: "invalid_request");
    }

    /// <summary>Exchanges an authorization code for a token (<c>POST /v2/oauth/token</c>), with the PKCE verifier and, for a confidential client, the secret.</summary>
    /// <param name="request">The request made by <see cref="CreateAuthorizationRequest"/> (verifier and redirect URI).</param>
    /// <param name="code">The code from <see cref="ReadAuthorizationCode"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token; a code is good for one exchange only, so the call is never retried after a 500.</returns>
    [SightlineRoute("POST", "/v2/oauth/token")]
    public Task<TokenResponse> ExchangeCodeAsync(AuthorizationRequest request, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ExchangeCodeAsync(code, request.Pkce.Verifier, request.RedirectUri, cancellationToken);
    }

    /// <summary>Exchanges an authorization code for a token (<c>POST /v2/oauth/token</c>).</summary>
    /// <param name="code">The code the redirect URI received.</param>
    /// <param name="codeVerifier">The PKCE verifier whose challenge went to <c>/connect</c>; null when none did.</param>
    /// <param name="redirectUri">The redirect URI sent to <c>/connect</c>; <see cref="SightlineClientOptions.RedirectUri"/> when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token.</returns>
    public async Task<TokenResponse> ExchangeCodeAsync(string code, string? codeVerifier, Uri? redirectUri = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var redirect = redirectUri ?? options.RedirectUri
            ?? throw new ArgumentException("Name a redirect URI here or in SightlineClientOptions.RedirectUri.", nameof(redirectUri));
        var fields = ClientFields();
        fields["grant_type"] = "authorization_code";
        fields["code"] = code;
        fields["redirect_uri"] = redirect.AbsoluteUri;
        if (!string.IsNullOrEmpty(codeVerifier))
            fields["code_verifier"] = codeVerifier;
        using var response = await SendAsync(HttpMethod.Post, BuildUri("v2/oauth/token", null, withClient: false),
            () => new FormUrlEncodedContent(fields), repeatable: false, cancellationToken, bearer: false).ConfigureAwait(false);
        return await ReadJsonAsync<TokenResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes a token issued to this application (<c>POST /v2/oauth/revoke</c>, RFC 7009); an unknown token is answered the same way.</summary>
    /// <param name="token">The access token to revoke.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The acknowledgement.</returns>
    [SightlineRoute("POST", "/v2/oauth/revoke")]
    public async Task<WriteAcknowledgement> RevokeTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var fields = ClientFields();
        fields["token"] = token;
        using var response = await SendAsync(HttpMethod.Post, BuildUri("v2/oauth/revoke", null, withClient: false),
            () => new FormUrlEncodedContent(fields), repeatable: true, cancellationToken, bearer: false).ConfigureAwait(false);
        return await ReadJsonAsync<WriteAcknowledgement>(response, cancellationToken).ConfigureAwait(false);
    }

    // RFC 6749 §2.3.1: the client authenticates with form fields; a public client sends only its id.
    private Dictionary<string, string> ClientFields()
    {
        var fields = new Dictionary<string, string> { ["client_id"] = clientId };
        if (!string.IsNullOrEmpty(options.ClientSecret))
            fields["client_secret"] = options.ClientSecret;
        return fields;
    }
}
