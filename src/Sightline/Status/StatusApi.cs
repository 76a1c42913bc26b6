using Microsoft.AspNetCore.Http.HttpResults;
using Sightline.Access;
using Sightline.Images;
using Sightline.Search;
using Sightline.Users;

namespace Sightline.Status;

/// <summary><c>GET /v2/status</c> (and <c>/v2/status/api</c>): is the server up, which version, how much it holds.</summary>
public static class StatusApi
{
    public static RouteGroupBuilder MapStatus(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v2/status").RequireClient().WithTags("Status");
        group.MapGet("", GetStatus)
            .WithName("GetStatus")
            .WithSummary("Server status")
            .WithDescription("The write acknowledgement plus the server's version and public counts (images_processing: public " +
                             "photos received but not processed yet, counted up to 100,000). Needs a valid client_id.");
        // The original documentation's authentication examples call /v2/status/api (a.mapillary.com); old clients probe it.
        group.MapGet("/api", GetStatus)
            .WithName("GetStatusApi")
            .WithSummary("Server status (alias)")
            .WithDescription("The same answer as /v2/status, at the path the original v2 documentation's examples use.");
        return group;
    }

    public sealed record StatusDto(string Code, string Message, int Status, string Version, long Users, long Images, long Sequences,
        long ImagesProcessing);

    /// <remarks>
    /// The counts come from the search index, loaded before the server listens (every committed write is in it; counted
    /// once, then kept in step with its changes): counting in the database took 1.6 s a call at 10M images, which anyone
    /// with a client_id could repeat.
    /// The photos still to process are counted from the job queue, which is empty once the server has caught up.
    /// </remarks>
    public static async Task<Ok<StatusDto>> GetStatus(IUserStore users, ImageSearch search, IImageStatistics statistics)
    {
        var (images, sequences) = search.PublicCounts();
        return TypedResults.Ok(new StatusDto("ok", "request performed", 200, ServerVersion.Current, await users.CountAsync(), images, sequences,
            await statistics.CountPublicProcessingAsync()));
    }
}
