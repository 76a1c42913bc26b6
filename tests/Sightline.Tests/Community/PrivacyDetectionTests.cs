using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenCvSharp;
using Sightline.Blurs;
using Sightline.Blurs.Detection;
using Xunit.Abstractions;
using Vips = NetVips.Image;

namespace Sightline.Tests.Community;

/// <summary>
/// The ingest detectors on small labelled sets. Faces: three real photos with hand-drawn face boxes, and composites that
/// paste their frontal faces into a street photo at several sizes and places. Plates: plates drawn on car panels in
/// street photos (<see cref="SyntheticPlates"/>) at several sizes and places. Both: photos with neither.
/// Recall is printed (run with a console logger to read it) and held to a floor.
/// </summary>
public sealed class PrivacyDetectionTests(ITestOutputHelper output) : IDisposable
{
    private const int ScanWidth = 1024;
    private readonly PrivacyDetector faces = new(faces: true, plates: false);
    private readonly PrivacyDetector plates = new(faces: false, plates: true);

    public void Dispose()
    {
        faces.Dispose();
        plates.Dispose();
    }

    private static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Community", "Data", name);

    // Hand-drawn boxes in pixels: (left, top, right, bottom).
    private static readonly (string File, (int, int, int, int)[] Faces)[] Labelled =
    [
        ("messi5.jpg", [(220, 88, 266, 134)]),
        ("basketball1.png", [(62, 82, 110, 140), (505, 30, 560, 110)]), // the second is in profile: missed
        ("astronaut.jpg", [(178, 70, 268, 165)]),
    ];

    private static readonly (string File, (int X, int Y, int W, int H) Box)[] FaceCrops =
    [
        ("messi5.jpg", (220, 88, 46, 46)),
        ("basketball1.png", (62, 82, 48, 58)),
        ("astronaut.jpg", (178, 70, 90, 95)),
    ];

    private static readonly string[] WithoutFacesOrPlates = ["building.jpg", "fruits.jpg", "home.jpg", "starry_night.jpg"];

    private static Blur Truth(string type, double left, double top, double right, double bottom, int width, int height) =>
        new(type, left / width, top / height, right / width, bottom / height);

    /// <summary>
    /// A detection finds a labelled face or plate when its blur would hide it: it covers at least 70 % of the labelled box
    /// and is not more than ten times its size (a blur over half the street would hide it too, and find nothing). Ten,
    /// because the plate cascade's window is 3:1 around a plate of 4.6:1, with room above and below: its rectangles are
    /// typically 6 to 8 times the plate's area.
    /// </summary>
    private static bool Hides(Blur detection, Blur truth)
    {
        static double Area(Blur b) => (b.XMax - b.XMin) * (b.YMax - b.YMin);
        var inside = Math.Max(0, Math.Min(detection.XMax, truth.XMax) - Math.Max(detection.XMin, truth.XMin)) *
                     Math.Max(0, Math.Min(detection.YMax, truth.YMax) - Math.Max(detection.YMin, truth.YMin));
        return detection.Type == truth.Type && inside >= 0.7 * Area(truth) && Area(detection) <= 10 * Area(truth);
    }

    private static (int Found, int Total, int Extra) Score(IReadOnlyList<Blur> detections, IReadOnlyList<Blur> truths)
    {
        var found = truths.Count(t => detections.Any(d => Hides(d, t)));
        var extra = detections.Count(d => !truths.Any(t => PrivacyDetector.Overlap(d, t) > 0)); // elsewhere in the photo
        return (found, truths.Count, extra);
    }

    [Fact]
    public void DetectorsFreedAfterABurstAreMadeAgainForTheNext()
    {
        var automatic = new AutomaticBlurs(Options.Create(new BlurOptions()), blurs: null!, NullLogger<AutomaticBlurs>.Instance);
        using var photo = Vips.NewFromFile(DataPath("messi5.jpg"));
        var first = new List<Blur>();
        automatic.DetectorInto(first)!(photo);
        Assert.NotEmpty(first);

        Assert.True(automatic.ReleaseIdle() >= 1);
        Assert.Equal(0, automatic.ReleaseIdle());

        var second = new List<Blur>();
        automatic.DetectorInto(second)!(photo);
        Assert.Equal(first, second);
    }

    [Fact]
    public void FaceRecallOnTheLabelledSet()
    {
        int found = 0, total = 0, extra = 0;
        foreach (var (file, boxes) in Labelled)
        {
            using var image = Vips.NewFromFile(DataPath(file));
            var truths = boxes.Select(b => Truth(Blur.Face, b.Item1, b.Item2, b.Item3, b.Item4, image.Width, image.Height)).ToList();
            var (f, t, e) = Score(faces.Detect(image, ScanWidth), truths);
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
                    var truth = Truth(Blur.Face, x, y, x + face.Width, y + face.Height, pixels.Width, pixels.Height);
                    var (f, t, e) = Score(faces.Detect(pixels, ScanWidth), [truth]);
                    output.WriteLine($"{file} face {size}px at ({x},{y}): {(f == 1 ? "found" : "missed")}, {e} other detections");
                    (found, total, extra) = (found + f, total + t, extra + e);
                }
        }

        var recall = (double)found / total;
        output.WriteLine($"face recall {found}/{total} = {recall:P0}; detections matching no face: {extra}");
        Assert.True(recall >= 0.8, $"face recall {found}/{total}");
        // Each hit of the face scan is confirmed by alt2 on its neighbourhood (PrivacyDetector.CascadeCheck): 1 detection
        // here matches no face, against 5 for the former unchecked scan at 2 neighbours (docs/community.md).
        Assert.True(extra <= 2, $"{extra} detections matching no face");
    }

    [Fact]
    public void PlateRecallOnTheLabelledSet()
    {
        int found = 0, total = 0, extra = 0;
        var missed = new List<string>();
        var places = new[] { (0.1, 0.6), (0.5, 0.4), (0.7, 0.75) };
        foreach (var background in new[] { "building.jpg", "home.jpg" })
            for (var number = 0; number < SyntheticPlates.Numbers.Length; number++)
                for (var paint = 0; paint < SyntheticPlates.Paints.Length; paint++)
                    foreach (var width in new[] { 80, 120, 180 })
                    {
                        var (px, py) = places[(number + paint + width) % places.Length];
                        var (scene, plate) = SyntheticPlates.Scene(DataPath(background), ScanWidth, number, paint, width, px, py);
                        using (scene)
                        {
                            var truth = Truth(Blur.License, plate.Left, plate.Top, plate.Right, plate.Bottom, scene.Width, scene.Height);
                            var detections = plates.Detect(scene, ScanWidth);
                            var (f, t, e) = Score(detections, [truth]);
                            if (f == 0)
                                missed.Add($"{SyntheticPlates.Numbers[number].Text} paint {paint} {width}px on {background}");
                            (found, total, extra) = (found + f, total + t, extra + e);
                        }
                    }

        var recall = (double)found / total;
        output.WriteLine($"plate recall {found}/{total} = {recall:P0}; detections matching no plate: {extra}; missed: {string.Join("; ", missed)}");
        // Most misses are plates on the silver panel, where the light plate hardly stands out (see docs/community.md).
        Assert.True(recall >= 0.65, $"plate recall {found}/{total}; missed: {string.Join("; ", missed)}");
        Assert.True(extra <= 2, $"{extra} detections matching no plate");
    }

    /// <summary>
    /// A face and a plate at street distances in a 12 MP photo, scanned as the server scans it (decoded at 2048, then the
    /// default <see cref="BlurOptions.DetectionWidth"/>): the astronaut's face 72 px tall (about 10 m away with a 65 degree
    /// lens) and a plate 136 px wide (about 12 m). Both were missed at the former default of 1024 (the face cascade's window
    /// is 24 px there, 94 px of the original; `Ingest detection` in bench/ measures recall at each width).
    /// </summary>
    [Fact]
    public void AFaceAndAPlateAtStreetDistanceAreFoundAtTheDefaultWidth()
    {
        using var photo = Cv2.ImRead(DataPath("building.jpg"), ImreadModes.Color);
        using var scene = new Mat();
        Cv2.Resize(photo, scene, new Size(4000, 3000), 0, 0, InterpolationFlags.Cubic);
        using (var astronaut = Cv2.ImRead(DataPath("astronaut.jpg"), ImreadModes.Color))
        using (var face = new Mat())
        {
            Cv2.Resize(astronaut[new Rect(178, 70, 90, 95)], face, new Size(68, 72), 0, 0, InterpolationFlags.Cubic);
            face.CopyTo(scene[new Rect(1200, 1800, 68, 72)]);
        }
        var plateAt = new Rect(2600, 2200, 136, 136 * SyntheticPlates.PlateHeight / SyntheticPlates.PlateWidth);
        using (var plate = SyntheticPlates.Plate(SyntheticPlates.Numbers[0]))
        using (var small = new Mat())
        {
            Cv2.Resize(plate, small, plateAt.Size, 0, 0, InterpolationFlags.Area);
            scene[new Rect(plateAt.X - plateAt.Width / 4, plateAt.Y - plateAt.Height, plateAt.Width * 3 / 2, plateAt.Height * 3)].SetTo(SyntheticPlates.Paints[0]);
            small.CopyTo(scene[plateAt]);
        }
        Cv2.GaussianBlur(scene, scene, new Size(3, 3), 0.8);
        Cv2.ImEncode(".jpg", scene, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        using var loaded = Vips.ThumbnailBuffer(jpeg, 2048, height: 10_000_000);
        using var decoded = loaded.CopyMemory();

        var width = new BlurOptions().DetectionWidth;
        var faceTruth = Truth(Blur.Face, 1200, 1800, 1268, 1872, 4000, 3000);
        var plateTruth = Truth(Blur.License, plateAt.Left, plateAt.Top, plateAt.Right, plateAt.Bottom, 4000, 3000);
        var foundFaces = faces.Detect(decoded, width);
        var foundPlates = plates.Detect(decoded, width);
        output.WriteLine($"at {width}: {foundFaces.Count} faces, {foundPlates.Count} plates; at 1024: " +
                         $"face {(faces.Detect(decoded, 1024).Any(d => Hides(d, faceTruth)) ? "found" : "missed")}, " +
                         $"plate {(plates.Detect(decoded, 1024).Any(d => Hides(d, plateTruth)) ? "found" : "missed")}");
        Assert.Contains(foundFaces, d => Hides(d, faceTruth));
        Assert.Contains(foundPlates, d => Hides(d, plateTruth));
    }

    [Fact]
    public void PhotosWithoutFacesOrPlatesGetAlmostNoBlurs()
    {
        using var both = new PrivacyDetector(faces: true, plates: true);
        var falsePositives = 0;
        foreach (var file in WithoutFacesOrPlates)
        {
            using var image = Vips.NewFromFile(DataPath(file));
            var detections = both.Detect(image, ScanWidth);
            output.WriteLine($"{file}: {detections.Count} detections");
            falsePositives += detections.Count;
        }
        Assert.True(falsePositives <= 2, $"{falsePositives} detections in photos without faces or plates");
    }
}
