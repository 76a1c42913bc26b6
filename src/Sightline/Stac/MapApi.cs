using System.Globalization;
using System.Text.Json.Nodes;
using Sightline.Contract;
using Sightline.Storage;

namespace Sightline.Stac;

/// <summary>
/// <c>/api/map</c>: vector tiles and MapLibre styles for the Panoramax viewer, for everyone's public photos and per user
/// (<c>/api/users/{id}/map</c>). Every zoom from 0 answers, with an empty tile where there is nothing, because the viewer
/// stays on its loading screen while any tile it asked for fails.
/// </summary>
public static class MapApi
{
    public const int PublicMaxAgeSeconds = 60;

    public static void MapStacMap(this RouteGroupBuilder api)
    {
        var layers = $"Layers: grid (zoom 0-{MapTiles.GridMaxZoom}: id, nb_pictures, nb_flat_pictures, nb_360_pictures, coef...), " +
                     $"sequences (zoom {MapTiles.GridMaxZoom + 1}+: id, account_id, date, type, model, uncrowded), " +
                     $"pictures (zoom {MapTiles.PicturesMinZoom}+: id, account_id, ts, heading, sequences, first_sequence, type, model, uncrowded).";
        api.MapGet("/map/{z}/{x}/{y}.mvt", GetTile)
            .WithName("StacMapTile").WithSummary("A vector tile of public photos").WithDescription(layers);
        api.MapGet("/map/style.json", GetStyle)
            .WithName("StacMapStyle").WithSummary("The MapLibre style of the vector tiles, with an offline background");
        api.MapGet("/users/{userId}/map/{z}/{x}/{y}.mvt", GetUserTile)
            .WithName("StacUserMapTile").WithSummary("A vector tile of one user's public photos").WithDescription(layers);
        api.MapGet("/users/{userId}/map/style.json", GetUserStyle)
            .WithName("StacUserMapStyle").WithSummary("The MapLibre style of one user's vector tiles");
    }

    public static Task<IResult> GetTile(string z, string x, string y, HttpResponse response, MapTiles tiles, StacUsers users) =>
        TileAsync(z, x, y, null, response, tiles, users);

    public static async Task<IResult> GetUserTile(string userId, string z, string x, string y, HttpResponse response, MapTiles tiles, StacUsers users)
    {
        var user = await FindUserAsync(userId, users);
        return await TileAsync(z, x, y, (int)user.Id, response, tiles, users);
    }

    private static async Task<IResult> TileAsync(string z, string x, string y, int? userId, HttpResponse response, MapTiles tiles, StacUsers users)
    {
        var zoom = (int)Coordinate("z", z, MapTiles.MaxZoom);
        var max = (1L << zoom) - 1;
        var column = (int)Coordinate("x", x, max);
        var row = (int)Coordinate("y", y.EndsWith(".mvt", StringComparison.Ordinal) ? y[..^4] : y, max);
        // The tile is drawn synchronously from memory with the uuids already known; the users it met first are looked up
        // (awaited, once per user and process) and it is drawn again. Users are remembered even without a row, so a
        // second pass knows every one it met in the first; a third covers users whose photos arrived in between.
        var unknown = new HashSet<int>();
        byte[]? bytes;
        while ((bytes = tiles.Build(zoom, column, row, userId, id => users.Known(id), unknown)) is null)
        {
            foreach (var id in unknown)
                await users.UuidAsync(id);
            unknown.Clear();
        }
        response.Headers.CacheControl = $"public, max-age={PublicMaxAgeSeconds}";
        return Results.Bytes(bytes, StacLinks.VectorTile);
    }

    public static IResult GetStyle(HttpRequest request)
    {
        var links = new StacLinks(request);
        var tiles = links.Root + "/map/{z}/{x}/{y}.mvt";
        var style = Style("geovisio", tiles);
        // The base map: a plain background and a faint halo along the sequences, drawn from this server's own tiles, so
        // the map needs no tile server on the internet. The halo's source is not a "geovisio" one on purpose: the viewer
        // waits for base-map tiles (any other source) before it finishes loading, and a background alone has none.
        style["sources"]!.AsObject()["sightline_base"] = new JsonObject
        {
            ["type"] = "vector", ["tiles"] = new JsonArray(tiles), ["minzoom"] = 0, ["maxzoom"] = MapTiles.PicturesMinZoom,
        };
        var layers = style["layers"]!.AsArray();
        layers.Insert(0, new JsonObject
        {
            ["id"] = "sightline_background", ["type"] = "background", ["paint"] = new JsonObject { ["background-color"] = "#eef0ec" },
        });
        layers.Insert(1, new JsonObject
        {
            ["id"] = "sightline_coverage", ["type"] = "line", ["source"] = "sightline_base", ["source-layer"] = "sequences",
            ["layout"] = new JsonObject { ["line-cap"] = "round", ["line-join"] = "round" },
            ["paint"] = new JsonObject { ["line-color"] = "#FF6F00", ["line-opacity"] = 0.15, ["line-width"] = 12 },
        });
        return StacResults.Json(style);
    }

    public static async Task<IResult> GetUserStyle(string userId, HttpRequest request, StacUsers users)
    {
        var user = await FindUserAsync(userId, users);
        var links = new StacLinks(request);
        return StacResults.Json(Style($"geovisio_{user.Uuid}", $"{links.User(user.Uuid)}/map/{{z}}/{{x}}/{{y}}.mvt"));
    }

    // Panoramax's naming: the source "geovisio" (or "geovisio_<user>") and layers "<source>_grid|sequences|pictures";
    // the viewer restyles the sequences and pictures layers itself.
    private static JsonObject Style(string sourceId, string tiles) => new()
    {
        ["version"] = 8,
        ["name"] = "Sightline photos",
        ["sources"] = new JsonObject
        {
            [sourceId] = new JsonObject
            {
                ["type"] = "vector", ["tiles"] = new JsonArray(tiles), ["minzoom"] = 0, ["maxzoom"] = MapTiles.PicturesMinZoom,
                ["attribution"] = "Sightline contributors",
            },
        },
        ["layers"] = new JsonArray
        {
            new JsonObject
            {
                ["id"] = $"{sourceId}_grid", ["type"] = "fill", ["source"] = sourceId, ["source-layer"] = "grid", ["maxzoom"] = MapTiles.GridMaxZoom + 1,
                ["paint"] = new JsonObject
                {
                    ["fill-color"] = new JsonArray("interpolate", new JsonArray("linear"), new JsonArray("get", "coef"), 0, "#FFE0B2", 1, "#E65100"),
                    ["fill-opacity"] = 0.7,
                },
            },
            new JsonObject
            {
                ["id"] = $"{sourceId}_sequences", ["type"] = "line", ["source"] = sourceId, ["source-layer"] = "sequences", ["minzoom"] = MapTiles.GridMaxZoom + 1,
                ["layout"] = new JsonObject { ["line-cap"] = "round", ["line-join"] = "round" },
                ["paint"] = new JsonObject { ["line-color"] = "#FF6F00", ["line-width"] = 3 },
            },
            new JsonObject
            {
                ["id"] = $"{sourceId}_pictures", ["type"] = "circle", ["source"] = sourceId, ["source-layer"] = "pictures", ["minzoom"] = MapTiles.PicturesMinZoom,
                ["paint"] = new JsonObject { ["circle-color"] = "#FF6F00", ["circle-radius"] = 5, ["circle-stroke-color"] = "#ffffff", ["circle-stroke-width"] = 1 },
            },
        },
        ["metadata"] = new JsonObject
        {
            ["panoramax:fields"] = new JsonObject
            {
                ["grid"] = new JsonArray("id", "nb_pictures", "nb_360_pictures", "nb_flat_pictures", "coef", "coef_360_pictures", "coef_flat_pictures"),
                ["sequences"] = new JsonArray("id", "account_id", "model", "type", "date"),
                ["pictures"] = new JsonArray("id", "account_id", "ts", "heading", "sequences", "type", "model", "first_sequence"),
            },
        },
    };

    internal static async Task<Users.User> FindUserAsync(string userId, StacUsers users)
    {
        if (!RandomKey.IsKeyShaped(userId))
            throw ApiException.Invalid("userId", "must be a user id of 22 characters of A-Z, a-z, 0-9, '_' and '-'");
        return await users.FindAsync(userId) ?? throw ApiException.NotFound($"User '{userId}'");
    }

    private static long Coordinate(string name, string raw, long max)
    {
        if (raw.Length is 0 or > 8 || !raw.All(char.IsAsciiDigit) || !long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
            throw ApiException.Invalid(name, $"must be a whole number from 0 to {max}" + (name == "z" ? "" : " at this zoom"));
        return value;
    }
}
