using System.Text.Json.Nodes;
using Sightline.Contract;
using Sightline.Users;

namespace Sightline.Stac;

/// <summary><c>/api/users</c>: who takes the photos, found by name, and each user's catalogue of sequences.</summary>
public static class UsersApi
{
    public const int MaxUsers = 1000;

    public static void MapStacUsers(this RouteGroupBuilder api)
    {
        api.MapGet("/users", ListUsers).WithName("StacUsers").WithSummary("Users, alphabetically").WithDescription("limit (default 100, at most 1000).");
        api.MapGet("/users/search", SearchUsers).WithName("StacUserSearch").WithSummary("Users whose name starts with q").WithDescription("q required; limit (default 20).");
        api.MapGet("/users/{userId}", GetUser).WithName("StacUser").WithSummary("A user");
        api.MapGet("/users/{userId}/collection", GetUserCollection)
            .WithName("StacUserCollection").WithSummary("A user's public sequences as one STAC Collection with a child link to each");
    }

    public static async Task<IResult> ListUsers(HttpRequest request, IUserStore users)
    {
        var limit = Parameters.Limit(request.Query["limit"], MaxUsers, 100);
        var links = new StacLinks(request);
        var list = new JsonArray();
        foreach (var user in await users.SearchByPrefixAsync("", limit))
            list.Add(UserEntry(user, links));
        return StacResults.Json(new JsonObject
        {
            ["users"] = list,
            ["links"] = new JsonArray { StacLinks.Link("self", links.Self, StacLinks.Json), StacLinks.Link("root", links.Root, StacLinks.Json) },
        });
    }

    public static async Task<IResult> SearchUsers(HttpRequest request, IUserStore users)
    {
        var q = Parameters.RequiredText("q", request.Query["q"].FirstOrDefault(), 100);
        var limit = Parameters.Limit(request.Query["limit"], MaxUsers, 20);
        var links = new StacLinks(request);
        var features = new JsonArray();
        foreach (var user in await users.SearchByPrefixAsync(q, limit))
        {
            var entry = UserEntry(user, links);
            entry["label"] = user.Username;
            features.Add(entry);
        }
        return StacResults.Json(new JsonObject { ["features"] = features });
    }

    public static async Task<IResult> GetUser(string userId, HttpRequest request, StacUsers users)
    {
        var user = await MapApi.FindUserAsync(userId, users);
        var entry = UserEntry(user, new StacLinks(request));
        entry["label"] = user.Username;
        return StacResults.Json(entry);
    }

    public static async Task<IResult> GetUserCollection(string userId, HttpRequest request, StacUsers users, SequenceCatalogue catalogue,
        StacDocuments documents)
    {
        var user = await MapApi.FindUserAsync(userId, users);
        var links = new StacLinks(request);
        var own = catalogue.Newest.Where(s => s.UserId == user.Id).ToList();
        var self = $"{links.User(user.Uuid)}/collection";
        var linkList = new JsonArray
        {
            StacLinks.Link("self", self, StacLinks.Json),
            StacLinks.Link("root", links.Root, StacLinks.Json),
            StacLinks.Link("parent", links.Root, StacLinks.Json),
        };
        foreach (var sequence in own)
        {
            var child = StacLinks.Link("child", links.Collection(sequence.Key), StacLinks.Json);
            child["id"] = sequence.Key;
            child["stats:items"] = new JsonObject { ["count"] = sequence.Count };
            linkList.Add(child);
        }
        var extent = own.Count == 0
            ? new JsonObject
            {
                ["spatial"] = new JsonObject { ["bbox"] = new JsonArray(new JsonArray(-180, -90, 180, 90)) },
                ["temporal"] = new JsonObject { ["interval"] = new JsonArray(new JsonArray(null, null)) },
            }
            : StacDocuments.Extent(own.Min(s => s.MinLat), own.Min(s => s.MinLon), own.Max(s => s.MaxLat), own.Max(s => s.MaxLon),
                own.Min(s => s.FirstCapture), own.Max(s => s.LastCapture));
        var collection = new JsonObject
        {
            ["type"] = "Collection",
            ["stac_version"] = StacDocuments.StacVersion,
            ["stac_extensions"] = new JsonArray(),
            ["id"] = $"user:{user.Uuid}",
            ["title"] = $"{user.Username}'s sequences",
            ["description"] = $"The {own.Count} public sequences of {user.Username}.",
            ["license"] = documents.License,
            ["providers"] = StacDocuments.Providers(user.Username),
            ["extent"] = extent,
            ["stats:items"] = new JsonObject { ["count"] = own.Sum(s => s.Count) },
            ["links"] = linkList,
        };
        return StacResults.Json(collection);
    }

    private static JsonObject UserEntry(User user, StacLinks links) => new()
    {
        ["id"] = user.Uuid,
        ["name"] = user.Username,
        ["links"] = new JsonArray
        {
            StacLinks.Link("user-info", links.User(user.Uuid), StacLinks.Json),
            StacLinks.Link("collection", $"{links.User(user.Uuid)}/collection", StacLinks.Json),
            StacLinks.Link("user-xyz-style", $"{links.User(user.Uuid)}/map/style.json", StacLinks.Json),
        },
    };
}
