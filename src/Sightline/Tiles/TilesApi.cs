using System.Globalization;
using Sightline.Access;
using Sightline.Contract;
using Tile = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace Sightline.Tiles;

/// <summary>
/// <c>GET /tiles/{z}/{x}/{y}.mapbox</c>: public sequences as Mapbox Vector Tiles, XYZ-addressed, served like a CDN
/// without client_id (spec §3.9, §5 items 7 and 51).
/// </summary>
public static class TilesApi
{
    public const string LayerName = SequenceTiles.LayerName;
    public const int MaxZoom = 22;
    public const int MaxFeatures = SequenceTiles.MaxFeatures;
    public const int PublicMaxAgeSeconds = 300;

    public static IEndpointConventionBuilder MapTiles(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/tiles/{z}/{x}/{y}.mapbox", GetTile)
            .AllowWithoutClient()
            .WithTags("Vector tiles")
            .Produces<Stream>(StatusCodes.Status200OK, "application/vnd.mapbox-vector-tile")
            .WithName("GetTile")
            .WithSummary("A vector tile of sequences")
            .WithDescription($"Mapbox Vector Tile, zoom 0 to {MaxZoom}, extent 4096, one layer '{LayerName}' of LineStrings with string " +
                             "properties username, layer, keys (JSON array), cas (JSON array), key and captured_at (epoch ms). " +
                             $"Public sequences only, at most {MaxFeatures} per tile, newest first. The ETag names the content: " +
                             "a revalidation gets 200 and the same ETag while the tile is unchanged.");

    public static IResult GetTile(string z, string x, string y, HttpResponse response, SequenceTiles tiles)
    {
        var zoom = (int)Coordinate("z", z, MaxZoom);
        var max = (1L << zoom) - 1;
        var tile = new Tile((int)Coordinate("x", x, max), (int)Coordinate("y", y, max), zoom);
        var encoded = tiles.Get(tile.Zoom, tile.X, tile.Y);

        // The contract has no 304: a client revalidating with If-None-Match gets 200 and the same ETag (and body).
        response.Headers.ETag = encoded.ETag;
        response.Headers.CacheControl = CacheControl;
        return new TileResult(encoded);
    }

    private static readonly string CacheControl = $"public, max-age={PublicMaxAgeSeconds}";

    // The tile's bytes in one write, without the file result's range and precondition handling (a tile has neither);
    // a tile drawn for this answer alone gives its pooled buffer back once written.
    private sealed class TileResult(EncodedTile tile) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/vnd.mapbox-vector-tile";
            response.ContentLength = tile.Bytes.Length;
            try
            {
                await response.Body.WriteAsync(tile.Bytes, context.RequestAborted);
            }
            finally
            {
                tile.Release();
            }
        }
    }

    private static long Coordinate(string name, string raw, long max)
    {
        if (raw.Length is 0 or > 8 || !raw.All(char.IsAsciiDigit) || !long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
            throw ApiException.Invalid(name, $"must be a whole number from 0 to {max}" + (name == "z" ? "" : " at this zoom"));
        return value;
    }
}
