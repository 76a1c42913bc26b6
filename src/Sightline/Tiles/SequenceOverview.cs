using System.Globalization;
using Sightline.Search.Index;

namespace Sightline.Tiles;

/// <summary>
/// The low-zoom tiles (zoom <see cref="TileOptions.OverviewMaxZoom"/> and below): a world or country view would
/// otherwise hold up to 2000 whole sequences with every photo's key and angle (megabytes), and only the newest 2000, so
/// older coverage vanished. Instead the tile is cut into cells of <see cref="CellUnits"/> tile units, and each cell
/// holding the first photo of a sequence draws the newest such sequence, thinned to <see cref="MaxPathPoints"/> photos,
/// with its username, key and captured_at. A sequence shorter than one unit is drawn <see cref="MinimumLength"/> units
/// long, so coverage shows everywhere there is some. At most 34 x 34 cells (the tile and its buffer): a bounded tile,
/// whatever the archive's size.
/// </summary>
/// <remarks>
/// Spec §3.9 gives every feature six properties, <c>keys</c> and <c>cas</c> too. The chosen sequences carry them (every
/// photo's key and angle, in order, from the drawing the street zooms share; the path stays thinned) when they hold at
/// most <see cref="KeyBudget"/> photos in all: a small archive, or a sparse region of a large one, then answers with the
/// same six properties at every zoom. Above that the tile falls back to the four properties, so it stays bounded: a
/// photo's key is 25 bytes of JSON and its angle up to about 20 (a single-precision angle widened to double), so the
/// budget adds at most about 450 KB to the 190 KB of lines, less than one dense street tile; and a tile within it builds
/// at most that many photos' drawings, which the street zooms then reuse. 10,000 photos is a town's worth of sequences:
/// the demo (260) and small servers are far inside it; a regional archive's country view is not, and keeps the short form.
/// </remarks>
public static class SequenceOverview
{
    public const int CellUnits = 128;
    public const int MaxPathPoints = 16;
    public const int MinimumLength = 8;
    private const int Buffer = 64;
    private const int CellsPerSide = ((int)SequenceTiles.Extent + 2 * Buffer) / CellUnits + 1;

    /// <summary>The most photos the chosen sequences may hold in all for their features to carry <c>keys</c> and <c>cas</c>.</summary>
    public const int KeyBudget = 10_000;

    /// <summary>Draws the overview; <paramref name="drawing"/> gives a sequence's shared drawing (its keys and angles).</summary>
    public static void Draw(SequenceMap map, SequenceLayer layer, IReadOnlyList<GeoBox> area, Func<SequenceShape, SequenceDrawing?> drawing)
    {
        var claimed = new HashSet<int>();
        var chosen = new List<(SequenceShape Shape, double X, double Y)>();
        long photos = 0;
        // Newest first, so each cell keeps its newest sequence, as the street tiles keep the newest 2000.
        foreach (var shape in map.SequencesIn(area, int.MaxValue))
        {
            if (claimed.Count == CellsPerSide * CellsPerSide)
                break;
            if (shape.Members.Length == 0 || !map.Images.TryGet(shape.Members[0], out var first))
                continue;
            var (fx, fy) = SequenceDrawing.ZoomZeroPixels(first.Lat, first.Lon);
            var (x, y) = layer.Local(fx, fy);
            if (!claimed.Add(Cell(x) * CellsPerSide + Cell(y)))
                continue;
            chosen.Add((shape, fx, fy));
            photos += shape.Members.Length;
        }

        var withKeys = photos <= KeyBudget;
        var usernames = new Dictionary<int, TileValue?>();
        foreach (var (shape, fx, fy) in chosen)
        {
            if (!usernames.TryGetValue(shape.UserId, out var username))
            {
                var name = map.Username(shape.UserId);
                usernames[shape.UserId] = username = name is null ? null : SequenceDrawing.Text(name);
            }
            var (minX, minY) = SequenceDrawing.ZoomZeroPixels(shape.Bounds.MinLat, shape.Bounds.MinLon);
            var (maxX, maxY) = SequenceDrawing.ZoomZeroPixels(shape.Bounds.MaxLat, shape.Bounds.MaxLon);
            layer.AddOverview(Path(map, shape, fx, fy), (minX, minY, maxX, maxY), MinimumLength, username,
                SequenceDrawing.Text(shape.Key), SequenceDrawing.Text(shape.CapturedAt.ToString(CultureInfo.InvariantCulture)),
                withKeys ? drawing(shape) : null);
        }
    }

    // The cell of a tile coordinate, counting the buffer; sequences reaching in from farther away share the edge cells.
    private static int Cell(int units) => Math.Clamp((units + Buffer) / CellUnits, 0, CellsPerSide - 1);

    // Evenly spaced photos of the sequence, first and last included, as zoom-0 pixels.
    private static double[] Path(SequenceMap map, SequenceShape shape, double firstX, double firstY)
    {
        var members = shape.Members;
        var count = Math.Min(members.Length, MaxPathPoints);
        var path = new List<double>(2 * Math.Max(2, count)) { firstX, firstY };
        for (var i = 1; i < count; i++)
        {
            if (!map.Images.TryGet(members[(int)((long)i * (members.Length - 1) / (count - 1))], out var image))
                continue;
            var (x, y) = SequenceDrawing.ZoomZeroPixels(image.Lat, image.Lon);
            path.Add(x);
            path.Add(y);
        }
        if (path.Count == 2)
            path.AddRange([firstX, firstY]);
        return [.. path];
    }
}
