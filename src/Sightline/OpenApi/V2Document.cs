using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Sightline.Access;
using Sightline.Detections;
using Sightline.Search;
using Sightline.Status;

namespace Sightline.OpenApi;

/// <summary>
/// The OpenAPI document of the v2 API at <c>/openapi/v2.json</c>: which routes it covers (one rule, <see cref="Covers"/>),
/// the document-wide parts (servers, security schemes, the error schema, tag descriptions) and the per-operation
/// transformer that declares parameters, security and error responses.
/// </summary>
public static class V2Document
{
    public const string Name = "v2";
    // Only the documents' names match (this one, and the STAC API's): another (/openapi/v1.json) finds no route and is the
    // contract's 404, where the framework's handler would answer its own text/plain one.
    public const string Route = "/openapi/{documentName:regex(^(" + Name + "|" + Stac.StacApi.OpenApiName + ")$)}.json";

    /// <summary>
    /// The one rule for what the v2 document describes: the <c>/v2</c> API and the files served beside it (thumbnails,
    /// tiles, avatar files). Everything else the server maps (web pages, the STAC API under <c>/api</c>, health, metrics,
    /// OAuth metadata) is outside it, however it is mapped.
    /// </summary>
    public static bool Covers(string routePattern)
    {
        var path = "/" + routePattern.TrimStart('/');
        return path == "/v2" || path.StartsWith("/v2/", StringComparison.Ordinal) || path.StartsWith("/tiles/", StringComparison.Ordinal)
               || path is "/{key}/thumb-{size}.jpg" or "/{id}/profile.png";
    }

    /// <summary>The media type of an OpenAPI 3.1 document in JSON (the STAC landing page's service-desc link names it).</summary>
    public const string MediaType = "application/vnd.oai.openapi+json;version=3.1";

    /// <summary>
    /// Answers a client that asks for the OpenAPI media type (STAC clients follow service-desc with its type in Accept) with
    /// that type; everyone else, a browser included, gets application/json as before.
    /// </summary>
    public static ValueTask<object?> NegotiateMediaType(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.Headers.Accept.Any(a => a?.Contains("application/vnd.oai.openapi+json", StringComparison.OrdinalIgnoreCase) == true))
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode == StatusCodes.Status200OK)
                    http.Response.ContentType = MediaType;
                return Task.CompletedTask;
            });
        return next(context);
    }

    public static IServiceCollection AddV2OpenApi(this IServiceCollection services) =>
        services.AddOpenApi(Name, options =>
        {
            options.ShouldInclude = description => description.RelativePath is { } path && Covers(path);
            SchemaIds.Apply(options);
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer<V2Operations>();
        });

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Status"] = "The server's version and public counts.",
        ["Me"] = "The token owner's profile.",
        ["Users"] = "Public profiles and statistics.",
        ["Search"] = "Image, sequence and user searches (spec §3.7).",
        ["Uploads"] = "Uploading photos and following their processing.",
        ["Images"] = "Image metadata.",
        ["Sequences"] = "Sequences of images taken in one go.",
        ["Navigation"] = "Geohash cells of images and their sequences, as mapillary-js 1.x reads them (undocumented in the original).",
        ["Image files"] = "Image files in four fixed widths, without client_id.",
        ["Vector tiles"] = "Mapbox vector tiles of the sequences, without client_id.",
        ["OAuth"] = "Token exchange and revocation (RFC 6749, RFC 7009).",
        ["Comments"] = "Comments on images.",
        ["Blurs"] = "Face, plate and user blurs, and their moderation.",
        ["Complaints"] = "Complaints about images, and their moderation.",
        ["Stats"] = "Totals and contributor rankings.",
        ["Feeds"] = "Activity feeds.",
        ["Avatars"] = "Profile pictures.",
        ["Object recognition"] = "Traffic-sign detections (spec §4).",
        ["Projects"] = "The caller's projects, and moving their sequences into and out of them (org:read, org:write).",
    };

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellation)
    {
        document.Info.Title = "Sightline API v2";
        document.Info.Version = ServerVersion.Current;
        document.Info.Description =
            "A self-hostable street-level imagery server speaking the Mapillary API v2. Every /v2 call carries the application's " +
            "client_id in the query; calls on behalf of a person also send 'Authorization: Bearer <token>'. Every failure is " +
            "{\"code\",\"message\"} with one of the codes of the error catalogue, and only the statuses 200, 302, 400, 401, 404, 429 " +
            "and 500 are ever answered.";
        DescribeContract(document);
        document.Components!.SecuritySchemes = SecuritySchemes();

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "", $"{tag.Name} operations.");
        return Task.CompletedTask;
    }

    /// <summary>What every document of this server says alike: its server URL, and the catalogue's error body as a schema.</summary>
    internal static void DescribeContract(OpenApiDocument document)
    {
        // Redocly's no-server-trailing-slash: the server URL is the origin the document was fetched from.
        foreach (var server in document.Servers ?? [])
            server.Url = server.Url?.TrimEnd('/');
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[V2Operations.ErrorSchema] = V2Operations.ErrorBody(Contract.ErrorCatalogue.All.Select(e => e.Code).ToList());
    }

    private static Dictionary<string, IOpenApiSecurityScheme> SecuritySchemes()
    {
        var scopes = Scopes.Descriptions.ToDictionary(s => s.Key, s => s.Value);
        return new Dictionary<string, IOpenApiSecurityScheme>
        {
            [V2Operations.ClientIdScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Query,
                Name = "client_id",
                Description = "The registered application's id, on every /v2 call (not on thumbnails, tiles or avatar files).",
            },
            [V2Operations.OAuthScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = "A person's token, sent as 'Authorization: Bearer <token>'. The authorization code flow needs PKCE (S256) for " +
                              "public clients; the implicit flow must be enabled per application. mapillary:user and mapillary:admin are " +
                              "first-party scopes /connect never grants.",
                Flows = new OpenApiOAuthFlows
                {
                    AuthorizationCode = new OpenApiOAuthFlow
                    {
                        AuthorizationUrl = new Uri("/connect", UriKind.Relative),
                        TokenUrl = new Uri("/" + OAuth.TokenApi.RelativePath, UriKind.Relative),
                        Scopes = scopes,
                    },
                    Implicit = new OpenApiOAuthFlow
                    {
                        AuthorizationUrl = new Uri("/connect", UriKind.Relative),
                        Scopes = scopes,
                    },
                },
            },
            [V2Operations.ClientCredentialsScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "The application's client_id and client_secret (RFC 6749 §2.3.1); they may instead be sent in the form body.",
            },
        };
    }

    /// <summary>The options the parameter table is built from.</summary>
    internal static IReadOnlyDictionary<string, IReadOnlyList<QueryParameter>> Parameters(IServiceProvider services) =>
        V2Parameters.ByOperation(services.GetRequiredService<IOptions<SearchOptions>>().Value, services.GetRequiredService<DetectionCatalogue>());
}
