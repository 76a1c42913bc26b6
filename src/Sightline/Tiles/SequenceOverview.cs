using System.Globalization;
using Sightline.Search.Index;

namespace Sightline.Tiles;

/// <summary>
/// The low-zoom tiles (zoom <see cref="TileOptions.OverviewMaxZoom"/> and below): a world or country view would
/// otherwise hold up to 2000 whole sequences with every photo's key and angle (megabytes), and only the newest 2000, so
/// older coverage vanished. Instead the tile is cut into cells of <see cref="CellUnits"/> tile units, and each cell
/// holding the first photo of a sequence draws the newest such sequence, thinned to <see cref="MaxPathPoints"/> photos,
/// with its username, key and captured_at (no keys or cas: they are for street zooms). A sequence shorter than one
/// unit is drawn <see cref="MinimumLength"/> units long, so coverage shows everywhere there is some. At most
/// 34 x 34 cells (the tile and its buffer): a bounded tile, whatever the archive's size.
/// </summary>
public static class SequenceOverview
{
    public const int CellUnits = 128;
    public const int MaxPathPoints = 16;
    public const int MinimumLength = 8;
    private const int Buffer = 64;
    private const int CellsPerSide = ((int)SequenceTiles.Extent + 2 * Buffer) / CellUnits + 1;

    public static void Draw(SequenceMap map, SequenceLayer layer, IReadOnlyList<GeoBox> area)
    {
        var claimed = new HashSet<int>();
        var usernames = new Dictionary<int, TileValue?>();
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
            if (!usernames.TryGetValue(shape.UserId, out var username))
            {
                var name = map.Username(shape.UserId);
                usernames[shape.UserId] = username = name is null ? null : SequenceDrawing.Text(name);
            }
            var (minX, minY) = SequenceDrawing.ZoomZeroPixels(shape.Bounds.MinLat, shape.Bounds.MinLon);
            var (maxX, maxY) = SequenceDrawing.ZoomZeroPixels(shape.Bounds.MaxLat, shape.Bounds.MaxLon);
            layer.AddOverview(Path(map, shape, fx, fy), (minX, minY, maxX, maxY), MinimumLength, username,
                SequenceDrawing.Text(shape.Key), SequenceDrawing.Text(shape.CapturedAt.ToString(CultureInfo.InvariantCulture)));
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
