namespace Sightline.Access;

/// <summary>
/// Endpoint metadata saying what a route needs from its caller. A route without it is not part
/// of the API, so <see cref="AccessMiddleware"/> answers <c>not_found</c> for it.
/// </summary>
public sealed record AccessPolicy(bool RequiresClient, string? RequiredScope = null, bool ClientAuthenticatesItself = false,
    IReadOnlyList<string>? OneOfScopes = null)
{
    /// <summary>
    /// The OAuth token and revocation endpoints: the client sends its credentials in the body or as
    /// HTTP Basic (RFC 6749 §2.3.1), so the <c>Authorization</c> header is the endpoint's to judge.
    /// </summary>
    public static readonly AccessPolicy ClientCredentials = new(RequiresClient: false, ClientAuthenticatesItself: true);

    public static readonly AccessPolicy Client = new(RequiresClient: true);
    public static readonly AccessPolicy Public = new(RequiresClient: false);
}

/// <summary>Attaches <see cref="AccessPolicy"/> to routes and groups.</summary>
public static class AccessPolicyConventions
{
    /// <summary>The route needs a valid client_id (every /v2 route).</summary>
    public static TBuilder RequireClient<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AccessPolicy.Client);

    /// <summary>The route needs a valid client_id and a user token holding <paramref name="scope"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessPolicy(RequiresClient: true, RequiredScope: scope));

    /// <summary>
    /// The route needs a valid client_id and a user token holding one of <paramref name="scopes"/>; which one depends on the
    /// object or a parameter (a public or a private image, an upload with or without project=), so the handler judges it
    /// (before the parameters, CONTRACT.md §4) and the OpenAPI document declares the scopes as alternatives.
    /// </summary>
    public static TBuilder RequireOneOfScopes<TBuilder>(this TBuilder builder, params string[] scopes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessPolicy(RequiresClient: true, OneOfScopes: scopes));

    /// <summary>The route is open without client_id, like files on a CDN.</summary>
    public static TBuilder AllowWithoutClient<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AccessPolicy.Public);

    /// <summary>The route authenticates the OAuth client itself (Basic or form credentials); see <see cref="AccessPolicy.ClientCredentials"/>.</summary>
    public static TBuilder AcceptClientCredentials<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AccessPolicy.ClientCredentials);
}
