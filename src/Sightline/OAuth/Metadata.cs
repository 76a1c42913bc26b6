using Sightline.Access;

namespace Sightline.OAuth;

/// <summary>
/// <c>GET /.well-known/oauth-authorization-server</c> (RFC 8414). OpenIddict answers it from the
/// authentication middleware; the route is declared so that it is part of the API for the access checks.
/// </summary>
public static class Metadata
{
    public static IEndpointRouteBuilder MapOAuthMetadata(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/.well-known/oauth-authorization-server", Unreachable)
            .AllowWithoutClient()
            .WithTags("OAuth")
            .WithName("OAuthMetadata")
            .WithSummary("OAuth 2.0 authorization server metadata (RFC 8414)");
        return routes;
    }

    private static IResult Unreachable() =>
        throw new InvalidOperationException("OpenIddict should have answered the metadata request before routing reached it.");
}
