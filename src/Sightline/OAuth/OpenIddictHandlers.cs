using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Sightline.Contract;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Sightline.OAuth;

/// <summary>
/// Our rules plugged into OpenIddict's pipeline. OpenIddict runs in degraded mode (no stores of its
/// own), so these handlers are what know our applications; OpenIddict keeps the protocol work: parsing,
/// code issuance and validation, code lifetime, client and redirect_uri binding, the PKCE verifier.
/// </summary>
public static class OpenIddictHandlers
{
    /// <summary>HttpContext item holding the Sightline token issued for an implicit-flow response.</summary>
    public const string ImplicitTokenItem = "sightline:implicit-token";

    /// <summary>The token the consent handler issued for an implicit-flow response.</summary>
    public sealed record ImplicitToken(string Value, string Scope, int? ExpiresIn, bool InQuery = false);

    public static void Register(OpenIddictServerBuilder options)
    {
        options.AddEventHandler<ExtractAuthorizationRequestContext>(handler => handler
            .UseInlineHandler(AliasImplicitResponseType)
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler
            .UseScopedHandler<ValidateConnectRequest>()
            .SetOrder(int.MinValue + 10)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ExtractTokenRequestContext>(handler => handler
            .UseInlineHandler(TakeABodilessTokenRequestAsAnEmptyForm)
            .SetOrder(OpenIddictServerAspNetCoreHandlers.ExtractPostRequest<ExtractTokenRequestContext>.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ExtractTokenRequestContext>(handler => handler
            .UseInlineHandler(CompleteTheTokenRequestFromTheQuery)
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom));

        // Before OpenIddict's own checks of the token request (grant_type, code, redirect_uri): the client is judged
        // before the parameters (CONTRACT.md §4), so a request without client_id is client_id_missing whatever else it lacks.
        options.AddEventHandler<ValidateTokenRequestContext>(handler => handler
            .UseScopedHandler<AuthenticateTokenClient>()
            .SetOrder(int.MinValue + 10)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ApplyAuthorizationResponseContext>(handler => handler
            .UseInlineHandler(ReplaceImplicitAccessToken)
            .SetOrder(OpenIddictServerHandlers.Authentication.AttachRedirectUri.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ApplyAuthorizationResponseContext>(handler => handler
            .UseInlineHandler(DropLibraryErrorUri)
            .SetOrder(int.MinValue + 10)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ApplyTokenResponseContext>(handler => handler
            .UseInlineHandler(AddCatalogueVocabulary)
            .SetOrder(OpenIddictServerAspNetCoreHandlers.AttachHttpResponseCode<ApplyTokenResponseContext>.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ApplyTokenResponseContext>(handler => handler
            .UseInlineHandler(ChallengeAsTheRevocationEndpointDoes)
            .SetOrder(OpenIddictServerAspNetCoreHandlers.AttachWwwAuthenticateHeader<ApplyTokenResponseContext>.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));

        options.AddEventHandler<ApplyConfigurationResponseContext>(handler => handler
            .UseInlineHandler(DescribeSightline)
            .SetOrder(int.MinValue + 10)
            .SetType(OpenIddictServerHandlerType.Custom));
    }

    // The v2 documentation lists "implicit" as a response_type (spec §5 item 9).
    private static ValueTask AliasImplicitResponseType(ExtractAuthorizationRequestContext context)
    {
        if (context.Request is { ResponseType: ConnectRequests.ResponseTypes.ImplicitAlias } request)
            request.ResponseType = ConnectRequests.ResponseTypes.Token;
        return default;
    }

    /// <summary>Checks /connect requests against our applications before OpenIddict's own checks.</summary>
    public sealed class ValidateConnectRequest(ConnectRequests requests) : IOpenIddictServerHandler<ValidateAuthorizationRequestContext>
    {
        public async ValueTask HandleAsync(ValidateAuthorizationRequestContext context)
        {
            var request = context.Request;
            var (application, problem) = await requests.CheckClientAsync(request.ClientId, request.RedirectUri);
            if (application is null)
            {
                context.Reject(OAuthErrors.InvalidClient, problem);
                return;
            }
            if (application.ImplicitInQuery && request.ResponseType == ConnectRequests.ResponseTypes.Token
                && context.Transaction.GetHttpRequest() is { } http)
                http.HttpContext.Items[LegacyImplicitQueryItem] = true;
            if (context.Transaction.GetHttpRequest() is { } sent && ConnectRequests.RepeatedParameter(sent) is { } twice)
            {
                context.Reject(OAuthErrors.InvalidRequest, $"{twice} was sent more than once: send each parameter once.");
                return;
            }
            if (ConnectRequests.CheckFlow(application, request.ResponseType, request.ResponseMode, request.CodeChallenge, request.CodeChallengeMethod,
                    request.GetScopes()) is { } refusal)
            {
                context.Reject(refusal.Error, refusal.Description);
            }
        }
    }

    /// <summary>The token request's fields (spec §2.2), which a caller may also send in the query (spec §1.2: every call carries client_id there).</summary>
    private static readonly string[] TokenFields = ["client_id", "client_secret", "redirect_uri", "grant_type", "code", "code_verifier"];

    // A POST with no body at all and no Content-Type (every field in the query) is an empty form, not a request OpenIddict
    // refuses for its missing Content-Type; a body without one still is (parameter_invalid, CONTRACT.md §3).
    private static ValueTask TakeABodilessTokenRequestAsAnEmptyForm(ExtractTokenRequestContext context)
    {
        if (context.Transaction.GetHttpRequest() is { } http && HttpMethods.IsPost(http.Method)
            && string.IsNullOrEmpty(http.ContentType) && RequestBody.IsAbsent(http))
            http.ContentType = "application/x-www-form-urlencoded";
        return default;
    }

    /// <summary>HttpContext item naming a token request field sent twice, refused once the client is authenticated.</summary>
    private const string FieldSentTwiceItem = "sightline:token-field-sent-twice";

    // Spec §1.2 puts client_id in the query of every call, and a Mapillary-era client may send the other fields there too:
    // a field the form lacks is taken from the query (the form wins). A field of the request sent twice in the form would
    // read as absent to OpenIddict and be called missing: client_id twice is failed client authentication at once, any
    // other is named after the client is judged (AuthenticateTokenClient); unknown fields are ignored, twice or not.
    private static ValueTask CompleteTheTokenRequestFromTheQuery(ExtractTokenRequestContext context)
    {
        if (context.Transaction.GetHttpRequest() is not { } http || context.Request is null)
            return default;
        if (http.HasFormContentType && TokenFields.FirstOrDefault(name => http.Form[name].Count > 1) is { } twice)
        {
            if (twice == "client_id")
            {
                context.Reject(OAuthErrors.InvalidClient, "client_id was sent more than once: send each field once.");
                return default;
            }
            http.HttpContext.Items[FieldSentTwiceItem] = twice;
        }
        // HTTP Basic names the client; another client_id beside it is a contradiction, refused as at the revocation endpoint.
        var sent = http.HasFormContentType && http.Form["client_id"].FirstOrDefault() is { Length: > 0 } field ? field : http.Query["client_id"].FirstOrDefault();
        if (http.Headers.Authorization.FirstOrDefault() is { } header && ClientAuthentication.IsBasic(header)
            && !string.IsNullOrEmpty(sent) && sent != context.Request.ClientId)
        {
            context.Reject(OAuthErrors.InvalidRequest, "Send client credentials either with HTTP Basic or as form fields, not both.");
            return default;
        }
        foreach (var name in TokenFields)
            if (string.IsNullOrEmpty((string?)context.Request.GetParameter(name)) && http.Query[name].FirstOrDefault() is { Length: > 0 } value)
                context.Request.SetParameter(name, value);
        // RFC 6749 §4.1.3 defines no scope for the code exchange, and §3.2 says an unrecognized parameter is ignored (CONTRACT.md
        // §4 too); OpenIddict would refuse it, and simple-oauth2's README sends one. The token gets the scopes the person granted.
        if (context.Request.IsAuthorizationCodeGrantType())
            context.Request.Scope = null;
        return default;
    }

    /// <summary>Client authentication at the token endpoint, which degraded mode leaves to us.</summary>
    public sealed class AuthenticateTokenClient(ClientAuthentication clients) : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public async ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            var outcome = await clients.VerifyAsync(context.Request.ClientId, context.Request.ClientSecret);
            if (outcome.Error is not null)
                context.Reject(outcome.Error, outcome.Description);
            else if (context.Transaction.GetHttpRequest()?.HttpContext.Items[FieldSentTwiceItem] is string twice)
                context.Reject(OAuthErrors.InvalidRequest, $"{twice} was sent more than once: send each field once.");
        }
    }

    /// <summary>HttpContext item set when the implicit flow answers an application registered with --legacy-implicit-query.</summary>
    private const string LegacyImplicitQueryItem = "sightline:legacy-implicit-query";

    // OpenIddict mints its own access token for response_type=token; the API only knows ITokenStore's
    // tokens, so the one the consent handler issued replaces it, without expires_in unless tokens are configured to expire.
    // For an application registered with --legacy-implicit-query the answer, token or error, goes in the query.
    private static ValueTask ReplaceImplicitAccessToken(ApplyAuthorizationResponseContext context)
    {
        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        if (http is null)
            return default;
        if (context.Response.Error is null)
        {
            if (http.Items[ImplicitTokenItem] is not ImplicitToken token)
                return default;
            context.Response.AccessToken = token.Value;
            context.Response.TokenType = "bearer";
            context.Response.ExpiresIn = token.ExpiresIn;
            context.Response.Scope = token.Scope;
        }
        if (!http.Items.ContainsKey(LegacyImplicitQueryItem) || context.RedirectUri is not { Length: > 0 } redirectUri)
            return default;
        // OpenIddict attaches state after this handler; the query answer is written here, so it is attached here (spec §2.1).
        context.Response.State ??= context.Request?.State;
        // The JOSM plugin's listener finds the token only between two '&' on its request line, so token_type leads and
        // access_token is never first or last.
        var parameters = context.Response.GetParameters()
            .Where(p => p.Key is not ("access_token" or "token_type") && !OpenIddictParameter.IsNullOrEmpty(p.Value))
            .Select(p => (Key: p.Key, Value: (string?)p.Value ?? ""));
        if (context.Response.AccessToken is { } accessToken)
            parameters = parameters.Prepend((Key: "access_token", Value: accessToken)).Prepend((Key: "token_type", Value: "bearer"));
        var query = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        http.Response.Redirect(redirectUri + (redirectUri.Contains('?') ? "&" : "?") + query);
        context.HandleRequest();
        return default;
    }

    // OpenIddict points error_uri at its own documentation (e.g. for access_denied); a client of this server has no use
    // for that link, and the token endpoint drops it too.
    private static ValueTask DropLibraryErrorUri(ApplyAuthorizationResponseContext context)
    {
        context.Response.ErrorUri = null;
        return default;
    }

    // CONTRACT.md §6: token endpoint errors carry the catalogue's code and message too, with the catalogue's status.
    private static ValueTask AddCatalogueVocabulary(ApplyTokenResponseContext context)
    {
        var error = context.Response.Error;
        if (string.IsNullOrEmpty(error))
            return default;
        var description = context.Response.ErrorDescription ?? "The token request was refused.";
        // A request with no body and no Authorization header has no client_id either; OpenIddict stops at its missing
        // Content-Type before our client check runs, but the client is judged first (CONTRACT.md §4).
        if (context.Transaction.GetHttpRequest() is { } http && RequestBody.IsAbsent(http) && http.Headers.Authorization.Count == 0
            && string.IsNullOrEmpty(context.Request?.ClientId))
        {
            (error, description) = (OAuthErrors.InvalidClient, ClientAuthentication.MissingClientId);
            context.Response.Error = error;
        }
        // OpenIddict refuses credentials it cannot decode from the Authorization header as an invalid request; it is failed
        // client authentication (RFC 6749 §5.2), a 401 as at the revocation endpoint.
        else if (error == OAuthErrors.InvalidRequest && context.Transaction.GetHttpRequest()?.Headers.Authorization.FirstOrDefault() is { } header
                 && !ClientAuthentication.IsBasic(header))
        {
            (error, description) = (OAuthErrors.InvalidClient, ClientAuthentication.NotBasic);
            context.Response.Error = error;
        }
        var entry = ErrorCatalogue.Of(OAuthErrors.CatalogueCodeOf(error, description));
        context.Response.ErrorDescription = description;
        context.Response.ErrorUri = null;
        context.Response["code"] = entry.Code;
        context.Response["message"] = description;
        if (context.Transaction.GetHttpRequest()?.HttpContext.Response is { } response)
            response.StatusCode = entry.Status;
        return default;
    }

    // OpenIddict's Basic challenge has no realm (RFC 7617 §2 requires one) and repeats the body's fields as auth-params;
    // the error is in the body, and the challenge is the revocation endpoint's.
    private static ValueTask ChallengeAsTheRevocationEndpointDoes(ApplyTokenResponseContext context)
    {
        if (context.Transaction.GetHttpRequest()?.HttpContext.Response is { } response && response.Headers.WWWAuthenticate.Count > 0)
            response.Headers.WWWAuthenticate = "Basic realm=\"sightline\"";
        return default;
    }

    // RFC 8414 metadata for what we serve: OAuth 2.0 without OpenID Connect, response types code and
    // token, S256 only, and our own revocation endpoint. OpenIddict fills its OpenID Connect defaults in
    // late, so the finished document is edited rather than the handler context.
    private static ValueTask DescribeSightline(ApplyConfigurationResponseContext context)
    {
        var metadata = context.Response;
        if (metadata.Error is not null || metadata.GetParameter("issuer")?.ToString() is not { } issuer)
            return default;
        var clientAuthentication = List("client_secret_basic", "client_secret_post", "none");
        // OpenIddict derives endpoint URLs from the request even when OAuth:Issuer is set; they belong under the issuer.
        metadata["authorization_endpoint"] = new Uri(new Uri(issuer), ConnectPages.Path.TrimStart('/')).AbsoluteUri;
        metadata["token_endpoint"] = new Uri(new Uri(issuer), TokenApi.RelativePath).AbsoluteUri;
        metadata["revocation_endpoint"] = new Uri(new Uri(issuer), RevocationApi.RelativePath).AbsoluteUri;
        metadata["revocation_endpoint_auth_methods_supported"] = clientAuthentication;
        metadata["token_endpoint_auth_methods_supported"] = clientAuthentication;
        metadata["response_types_supported"] = List(ConnectRequests.ResponseTypes.Code, ConnectRequests.ResponseTypes.Token);
        metadata["grant_types_supported"] = List(OpenIddictConstants.GrantTypes.AuthorizationCode, OpenIddictConstants.GrantTypes.Implicit);
        metadata["code_challenge_methods_supported"] = List(OpenIddictConstants.CodeChallengeMethods.Sha256);
        metadata["response_modes_supported"] = List(OpenIddictConstants.ResponseModes.Query, OpenIddictConstants.ResponseModes.Fragment);
        metadata["scopes_supported"] = List([.. ConnectRequests.GrantableScopes]);
        foreach (var openIdOnly in new[] { "claims_supported", "id_token_signing_alg_values_supported", "subject_types_supported",
                     "prompt_values_supported", "claims_parameter_supported", "request_parameter_supported", "request_uri_parameter_supported" })
        {
            metadata.RemoveParameter(openIdOnly);
        }
        return default;
    }

    private static OpenIddictParameter List(params string[] values) => new([.. values]);
}
