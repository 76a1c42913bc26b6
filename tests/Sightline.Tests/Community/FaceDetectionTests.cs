using NetVips;
using Sightline.Blurs;
using Sightline.Blurs.Detection;
using Xunit.Abstractions;
using Vips = NetVips.Image;

namespace Sightline.Tests.Community;

/// <summary>
/// The ingest face detector on a small labelled set: two real photos with hand-drawn face boxes, composites that
/// paste their two frontal faces into a street photo at several sizes and places, and photos without faces.
/// </summary>
public sealed class FaceDetectionTests(ITestOutputHelper output)
{
    private static readonly FaceDetector Detector = new();
    private const int ScanWidth = 1024;

    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Community", "Data", name);

    // Hand-drawn boxes in pixels: (left, top, right, bottom).
    private static readonly (string File, (int, int, int, int)[] Faces)[] Labelled =
    [
        ("messi5.jpg", [(205, 68, 265, 130)]),
        ("basketball1.png", [(62, 82, 110, 140), (505, 30, 560, 110)]), // the second is in profile
    ];

    private static readonly (string File, (int X, int Y, int W, int H) Box)[] FaceCrops =
    [
        ("messi5.jpg", (205, 68, 60, 62)),
        ("basketball1.png", (62, 82, 48, 58)),
    ];

    private static bool Matches(Blur found, (double L, double T, double R, double B) truth)
    {
        var ix = Math.Max(0, Math.Min(found.XMax, truth.R) - Math.Max(found.XMin, truth.L));
        var iy = Math.Max(0, Math.Min(found.YMax, truth.B) - Math.Max(found.YMin, truth.T));
        var intersection = ix * iy;
        var union = (found.XMax - found.XMin) * (found.YMax - found.YMin) + (truth.R - truth.L) * (truth.B - truth.T) - intersection;
        return intersection / union >= 0.3;
    }

    private static (int Found, int Total, int Extra) Score(IReadOnlyList<Blur> detections, IEnumerable<(double, double, double, double)> truths)
    {
        var list = truths.ToList();
        var found = list.Count(t => detections.Any(d => Matches(d, t)));
        var extra = detections.Count(d => !list.Any(t => Matches(d, t)));
        return (found, list.Count, extra);
    }

    [Fact]
    public void RecallOnTheLabelledSetAndNoFacesWhereThereAreNone()
    {
        int found = 0, total = 0, extra = 0;
        foreach (var (file, faces) in Labelled)
        {
            using var image = Vips.NewFromFile(DataPath(file));
            var (f, t, e) = Score(Detector.Detect(image, ScanWidth),
                faces.Select(b => ((double)b.Item1 / image.Width, (double)b.Item2 / image.Height, (double)b.Item3 / image.Width, (double)b.Item4 / image.Height)));
            output.WriteLine($"{file}: {f}/{t} faces found, {e} other detections");
            (found, total, extra) = (found + f, total + t, extra + e);
        }

        using var background = Vips.NewFromFile(DataPath("building.jpg"));
        foreach (var (file, box) in FaceCrops)
        {
            using var source = Vips.NewFromFile(DataPath(file));
            using var colour = source.Bands == 1 ? source.Bandjoin(source, source) : source.Copy();
            using var crop = colour.ExtractArea(box.X, box.Y, box.W, box.H);
            foreach (var size in new[] { 40, 60, 90, 140 })
                foreach (var (px, py) in new[] { (0.1, 0.15), (0.45, 0.5), (0.75, 0.3) })
                {
                    using var face = crop.Resize((double)size / box.W);
                    var (x, y) = ((int)(px * background.Width), (int)(py * background.Height));
                    using var composite = background.Insert(face, x, y);
                    using var pixels = composite.CopyMemory();
                    var truth = ((double)x / pixels.Width, (double)y / pixels.Height, (double)(x + face.Width) / pixels.Width, (double)(y + face.Height) / pixels.Height);
                    var (f, t, e) = Score(Detector.Detect(pixels, ScanWidth), [truth]);
                    output.WriteLine($"{file} face {size}px at ({x},{y}): {(f == 1 ? "found" : "missed")}, {e} other detections");
                    (found, total, extra) = (found + f, total + t, extra + e);
                }
        }

        var falsePositives = 0;
        foreach (var file in new[] { "building.jpg", "fruits.jpg", "home.jpg", "starry_night.jpg" })
        {
            using var image = Vips.NewFromFile(DataPath(file));
            var detections = Detector.Detect(image, ScanWidth).Count;
            output.WriteLine($"{file} (no faces): {detections} detections");
            falsePositives += detections;
        }

        var recall = (double)found / total;
        output.WriteLine($"recall {found}/{total} = {recall:P0}; detections matching no face: {extra} in labelled images, {falsePositives} in face-free ones");
        Assert.True(recall >= 0.75, $"recall {found}/{total}");
        Assert.True(falsePositives <= 2, $"{falsePositives} detections in photos without faces");
    }
}
