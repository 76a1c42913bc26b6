using System.Text.Json.Nodes;

namespace Sightline.Stac;

/// <summary>
/// The absolute URLs of the STAC API as the caller reached it (STAC clients and the Panoramax viewer follow only
/// absolute links), and the shape of one link object.
/// </summary>
public sealed class StacLinks(HttpRequest request)
{
    public const string Json = "application/json";
    public const string GeoJson = "application/geo+json";
    public const string VectorTile = "application/vnd.mapbox-vector-tile";
    public const string Jpeg = "image/jpeg";

    /// <summary>The server's origin and path base, without a trailing slash.</summary>
    public string Origin { get; } = $"{request.Scheme}://{request.Host}{request.PathBase}";

    /// <summary><c>…/api</c>.</summary>
    public string Root => Origin + "/api";

    public string Collections => Root + "/collections";
    public string Collection(string key) => $"{Collections}/{key}";
    public string Items(string sequenceKey) => $"{Collection(sequenceKey)}/items";
    public string Item(string sequenceKey, string imageKey) => $"{Items(sequenceKey)}/{imageKey}";
    public string Search => Root + "/search";
    public string User(string id) => $"{Root}/users/{id}";
    public string Thumbnail(string imageKey, int width) => $"{Origin}/{imageKey}/thumb-{width}.jpg";
    public string Original(string imageKey) => $"{Root}/pictures/{imageKey}/original.jpg";

    /// <summary>The request's own URL, for <c>self</c>.</summary>
    public string Self => Origin + request.Path + request.QueryString;

    public static JsonObject Link(string rel, string href, string type, string? title = null)
    {
        var link = new JsonObject { ["rel"] = rel, ["href"] = href, ["type"] = type };
        if (title is not null)
            link["title"] = title;
        return link;
    }

    /// <summary>A link whose href holds <c>{placeholders}</c> (OGC API "templated").</summary>
    public static JsonObject Template(string rel, string href, string type, string? title = null)
    {
        var link = Link(rel, href, type, title);
        link["templated"] = true;
        return link;
    }
}
