using Sightline.Access;
using Sightline.Contract;
using Sightline.Tokens;

namespace Sightline.OAuth;

/// <summary>
/// <c>POST /v2/oauth/revoke</c> (RFC 7009). Written by hand rather than with OpenIddict's revocation
/// endpoint: OpenIddict can only revoke tokens it issued and validates itself, and ours are ITokenStore's
/// opaque tokens; OpenIddict offers no passthrough mode for this endpoint to hand them to us.
/// </summary>
public static class RevocationApi
{
    public const string RelativePath = "v2/oauth/revoke";

    public static IEndpointRouteBuilder MapRevocationApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/" + RelativePath, Revoke)
            .AcceptClientCredentials()
            .WithMetadata(OAuthErrors.Failures)
            .WithTags("OAuth")
            .Produces<Community.ImageAccess.Acknowledgement>()
            .WithName("RevokeToken")
            .WithSummary("Revokes an access token (RFC 7009)")
            .WithDescription("Form field token; the client authenticates as at the token endpoint. Unknown tokens are answered with 200 too.");
        return routes;
    }

    public static async Task Revoke(HttpContext context, ClientAuthentication clients, ITokenStore tokens)
    {
        if (await ReadFormAsync(context) is not { } body)
        {
            await OAuthErrors.WriteAsync(context, OAuthErrors.InvalidRequest, "The body must be an application/x-www-form-urlencoded form.");
            return;
        }
        var form = WithQuery(body, context.Request.Query);
        var client = await clients.AuthenticateAsync(context.Request, form);
        if (client.Application is not { } application)
        {
            await OAuthErrors.WriteAsync(context, client.Error!, client.Description!);
            return;
        }
        if (form["token"].FirstOrDefault() is not { Length: > 0 } token)
        {
            await OAuthErrors.WriteAsync(context, OAuthErrors.InvalidRequest, "The token parameter is missing.");
            return;
        }

        // RFC 7009 §2.2: the answer is the same whether the token existed, so it reveals nothing;
        // a token of another application is left alone (§2.1).
        await tokens.RevokeForApplicationAsync(token, application.Id);
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(new Community.ImageAccess.Acknowledgement(), ContractJson.Options);
    }

    // Every call carries client_id in its query (spec §1.2), as at the token endpoint: a field the form lacks is read from there.
    private static IFormCollection WithQuery(IFormCollection form, IQueryCollection query)
    {
        if (query.Count == 0)
            return form;
        var fields = form.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        foreach (var (name, value) in query)
            if (!fields.TryGetValue(name, out var sent) || string.IsNullOrEmpty(sent.FirstOrDefault()))
                fields[name] = value;
        return new FormCollection(fields);
    }

    // RFC 7009 §2.1 names form-urlencoded, the one form encoding that cannot be truncated mid-part;
    // a body that still cannot be parsed is the caller's error, not ours.
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext context)
    {
        // No body at all is an empty form: the missing client_id is then what the caller hears (CONTRACT.md §4).
        if (RequestBody.IsAbsent(context.Request))
            return FormCollection.Empty;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) ||
            !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
