using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Community;
using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Blurs;

/// <summary>Blurs: <c>/v2/im/{key}/b</c> (read, request) and <c>/v2/b/{key}</c> (review, approve, reject), spec §3.1 and §3.3.</summary>
public static class BlursApi
{
    public static void MapBlurs(this IEndpointRouteBuilder routes)
    {
        var images = routes.MapGroup("/v2/im").RequireClient().WithTags("Blurs");
        images.MapGet("/{key}/b", GetImageBlurs)
            .WithName("GetImageBlurs")
            .WithSummary("An image's blurs")
            .WithDescription("bs (in effect), pbs (the pending request), user (who decided bs; null = automatic), requesting_user. " +
                             "private:read on a private image.");
        images.MapPost("/{key}/b", RequestBlurs)
            .RequireOneOfScopes(Scopes.PublicWrite, Scopes.PrivateWrite)
            .WithName("RequestImageBlurs")
            .WithSummary("Request blurs")
            .WithDescription("Body {\"bs\":[{\"type\":\"useredit\",\"rect\":[x_min,y_min,x_max,y_max]}]}: the complete set wanted. " +
                             "type face, license, useredit (or user); rect flat or as [[x,y],[x,y]], normalized, top-left origin. " +
                             "One pending request per image. public:write on a public image, private:write on a private one.");

        var blurs = routes.MapGroup("/v2/b").RequireClient().WithTags("Blurs");
        blurs.MapGet("/{key}", GetBlurRecord)
            .WithName("GetBlurs")
            .WithSummary("An image's blur record")
            .WithDescription("The key is the image's. bs, user, applied: the request under review if any, else the blurs in effect.");
        blurs.MapPost("/{key}", ApproveBlurs)
            .RequireScope(Scopes.MapillaryAdmin)
            .WithName("ApproveBlurs")
            .WithSummary("Approve the pending blur request")
            .WithDescription("mapillary:admin. The request's blurs take effect; every public thumbnail is made again with them.");
        blurs.MapDelete("/{key}", RejectBlurs)
            .RequireScope(Scopes.MapillaryAdmin)
            .WithName("RejectBlurs")
            .WithSummary("Reject the pending blur request")
            .WithDescription("mapillary:admin. The blurs in effect stay as they are.");
    }

    public static async Task<Ok<BlurDtos.ImageBlurs>> GetImageBlurs(string key, Caller caller, IImageStore images, IBlurStore blurs)
    {
        var image = await ImagesApi.FindAsync(key, Viewer.Of(caller), images);
        return TypedResults.Ok(BlurDtos.ToImageBlurs(await blurs.GetAsync(image.Id)));
    }

    public static async Task<Ok<ImageAccess.Acknowledgement>> RequestBlurs(
        string key, HttpRequest request, Caller caller, IImageStore images, IBlurStore blurs, CancellationToken cancellation)
    {
        var userId = ImageAccess.RequireWriter(caller);
        var scoped = await ImageAccess.ScopeForImageAsync(key, caller, images);
        // A missing parameter is judged before an invalid one (CONTRACT.md §4), the key's shape included.
        var wanted = Blur.ParseList(await RequestBody.JsonObjectAsync(request, cancellation));
        ImageAccess.ImageKey(key);
        var image = await ImageAccess.WritableImageAsync(scoped, key, caller, images);
        await blurs.RequestAsync(image, userId, wanted);
        return TypedResults.Ok(new ImageAccess.Acknowledgement());
    }

    public static async Task<Ok<BlurDtos.Record>> GetBlurRecord(string key, Caller caller, IImageStore images, IBlurStore blurs)
    {
        var image = await ImagesApi.FindAsync(key, Viewer.Of(caller), images);
        return TypedResults.Ok(BlurDtos.ToRecord(await blurs.GetAsync(image.Id)));
    }

    public static Task<Ok<ImageAccess.Acknowledgement>> ApproveBlurs(string key, Caller caller, IImageStore images, IBlurStore blurs) =>
        DecideAsync(key, caller, images, blurs, approve: true);

    public static Task<Ok<ImageAccess.Acknowledgement>> RejectBlurs(string key, Caller caller, IImageStore images, IBlurStore blurs) =>
        DecideAsync(key, caller, images, blurs, approve: false);

    private static async Task<Ok<ImageAccess.Acknowledgement>> DecideAsync(string key, Caller caller, IImageStore images, IBlurStore blurs, bool approve)
    {
        var image = await ImagesApi.FindAsync(key, Viewer.Of(caller), images);
        if (!await blurs.DecideAsync(image, caller.Token!.UserId, approve))
            throw ApiException.NotFound($"A blur request under review for image '{key}'");
        return TypedResults.Ok(new ImageAccess.Acknowledgement());
    }
}
