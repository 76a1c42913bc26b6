using Sightline.Avatars;
using Sightline.Blurs;
using Sightline.Comments;
using Sightline.Complaints;
using Sightline.Detections;
using Sightline.Feeds;
using Sightline.Stats;

namespace Sightline.Community;

/// <summary>Registers the services and endpoint groups of issue 6 (comments, blurs, complaints, feeds, stats, detections).</summary>
public static class CommunityServices
{
    public static IServiceCollection AddCommunity(this IServiceCollection services)
    {
        services.AddOptions<BlurOptions>().BindConfiguration("Blurs");
        services.AddSingleton<AutomaticBlurs>();
        services.AddSingleton<BlurRederivation>();
        services.AddSingleton<Countries>();
        services.AddSingleton<ArchiveStats>();
        services.AddSingleton<AvatarStore>();
        services.AddSingleton<DetectionCatalogue>();
        services.AddSingleton<CommunitySearch>();
        return services;
    }

    public static void MapCommunity(this IEndpointRouteBuilder routes)
    {
        routes.MapComments();
        routes.MapBlurs();
        routes.MapBlurSearch();
        routes.MapComplaints();
        routes.MapStats();
        routes.MapFeeds();
        routes.MapAvatars();
        routes.MapDetections();
        routes.MapCommunitySearch();
    }
}
