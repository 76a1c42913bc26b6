// Recall and CPU of the face and plate cascades at several scan widths (issue 14: "run detection on the smallest width that
// keeps recall, and report recall at each width"). Usage: Ingest detection [SCENES]
//
// Ground truth is known because the scenes are composed: 4000x3000 street-like canvases (the tests' background photos,
// enlarged) with frontal faces (the three labelled faces of the tests' data set, OpenCV samples and NASA's public-domain
// astronaut) and drawn European plates (the tests' SyntheticPlates) pasted at the sizes a 12 MP street camera of ~65 degrees
// sees them: faces 0.22 m tall at 3-15 m (about 45-230 px), plates 520 mm wide at 4-25 m (about 65-410 px). Each scene is
// JPEG-encoded and decoded at 2048 as the server does, then scanned at every width; a detection finds a face or plate
// when its blur would hide it (PrivacyDetectionTests.Hides: covers 70% of it, at most ten times its size).
using System.Diagnostics;
using System.Globalization;
using NetVips;
using OpenCvSharp;
using Sightline.Blurs;
using Sightline.Blurs.Detection;
using Sightline.Tests.Community;
using Vips = NetVips.Image;

static class DetectionWidths
{
    private static readonly int[] Widths = [2048, 1536, 1024, 768, 640, 512];

    // Faces in the tests' labelled photos: file and box (x, y, w, h) in pixels.
    private static readonly (string File, (int X, int Y, int W, int H) Box)[] Faces =
    [
        ("messi5.jpg", (220, 88, 46, 46)),
        ("basketball1.png", (62, 82, 48, 58)),
        ("astronaut.jpg", (178, 70, 90, 95)),
    ];

    private const int SceneWidth = 4000, SceneHeight = 3000;
    // Pixels per metre at distance d for a 4000 px sensor row over a 65 degree field: 4000 / (2 d tan 32.5).
    private static double PixelsPerMetre(double distance) => SceneWidth / (2 * distance * Math.Tan(32.5 * Math.PI / 180));

    public static void Run(string dataFolder, int scenes)
    {
        // INGEST_CV_THREADS=1: OpenCV's own parallel loops off (the server already renders one photo per worker thread).
        if (int.TryParse(Environment.GetEnvironmentVariable("INGEST_CV_THREADS"), out var cvThreads))
            Cv2.SetNumThreads(cvThreads);
        Console.WriteLine($"OpenCV threads: {Cv2.GetNumThreads()}");
        var random = new Random(14);
        using var faceDetector = new PrivacyDetector(faces: true, plates: false);
        using var plateDetector = new PrivacyDetector(faces: false, plates: true);
        var found = Widths.ToDictionary(w => w, _ => (Faces: 0, Plates: 0, Extra: 0, FaceCpu: 0.0, PlateCpu: 0.0));
        var bySize = new Dictionary<(int Width, string Kind, string Bucket), (int Found, int Total)>();
        int faceTotal = 0, plateTotal = 0;
        for (var s = 0; s < scenes; s++)
        {
            var (jpeg, truths) = Compose(dataFolder, random, s);
            faceTotal += truths.Count(t => t.Blur.Type == Blur.Face);
            plateTotal += truths.Count(t => t.Blur.Type == Blur.License);
            // What the worker scans: the upload decoded once at 2048 with shrink-on-load (Derivatives).
            using var loaded = Vips.ThumbnailBuffer(jpeg, 2048, height: 10_000_000, size: Enums.Size.Down);
            using var upright = loaded.CopyMemory();
            foreach (var width in Widths)
            {
                var before = Cpu();
                var faces = faceDetector.Detect(upright, width);
                var middle = Cpu();
                var plates = plateDetector.Detect(upright, width);
                var after = Cpu();
                var detections = faces.Concat(plates).ToList();
                var row = found[width];
                foreach (var (truth, size) in truths)
                {
                    var hit = detections.Any(d => Hides(d, truth));
                    var kind = truth.Type == Blur.Face ? "face" : "plate";
                    var key = (width, kind, Bucket(kind, size));
                    var (f, t) = bySize.GetValueOrDefault(key);
                    bySize[key] = (f + (hit ? 1 : 0), t + 1);
                    if (hit && truth.Type == Blur.Face) row.Faces++;
                    if (hit && truth.Type == Blur.License) row.Plates++;
                }
                row.Extra += detections.Count(d => !truths.Any(t => PrivacyDetector.Overlap(d, t.Blur) > 0));
                row.FaceCpu += middle - before;
                row.PlateCpu += after - middle;
                found[width] = row;
            }
            Console.Error.Write('.');
        }
        Console.Error.WriteLine();
        Console.WriteLine($"{scenes} scenes of 4000x3000, {faceTotal} faces and {plateTotal} plates placed, decoded at 2048, scanned at each width:");
        Console.WriteLine();
        Console.WriteLine("| scan width | face recall | plate recall | detections matching nothing | CPU ms/image faces | CPU ms/image plates | CPU ms/image both |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var width in Widths)
        {
            var r = found[width];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {width} | {r.Faces}/{faceTotal} = {100.0 * r.Faces / faceTotal:F0}% | {r.Plates}/{plateTotal} = {100.0 * r.Plates / plateTotal:F0}% | {r.Extra} | {1000 * r.FaceCpu / scenes:F0} | {1000 * r.PlateCpu / scenes:F0} | {1000 * (r.FaceCpu + r.PlateCpu) / scenes:F0} |"));
        }
        Console.WriteLine();
        Console.WriteLine("Recall by size in the 4000 px photo (found/placed):");
        Console.WriteLine();
        var buckets = bySize.Keys.Select(k => (k.Kind, k.Bucket)).Distinct().OrderBy(k => k.Kind).ThenBy(k => int.Parse(k.Bucket.Split('-')[0], CultureInfo.InvariantCulture)).ToList();
        Console.WriteLine("| scan width | " + string.Join(" | ", buckets.Select(b => $"{b.Kind} {b.Bucket} px")) + " |");
        Console.WriteLine("| ---: |" + string.Concat(buckets.Select(_ => " ---: |")));
        foreach (var width in Widths)
            Console.WriteLine($"| {width} | " + string.Join(" | ", buckets.Select(b => bySize.TryGetValue((width, b.Kind, b.Bucket), out var v) ? $"{v.Found}/{v.Total}" : "-")) + " |");
    }

    private static string Bucket(string kind, int size)
    {
        int[] edges = kind == "face" ? [0, 60, 90, 130, 1000] : [0, 100, 150, 220, 1000];
        var i = Array.FindLastIndex(edges, e => size >= e);
        return i == edges.Length - 1 ? $"{edges[i]}-" : $"{edges[i]}-{edges[i + 1] - 1}";
    }

    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>One scene: a background with three faces and three plates at random distances; the JPEG and the truths.</summary>
    private static (byte[] Jpeg, List<(Blur Blur, int Size)> Truths) Compose(string data, Random random, int index)
    {
        var background = index % 2 == 0 ? "building.jpg" : "home.jpg";
        using var photo = Cv2.ImRead(Path.Combine(data, background), ImreadModes.Color);
        using var scene = new Mat();
        Cv2.Resize(photo, scene, new Size(SceneWidth, SceneHeight), 0, 0, InterpolationFlags.Cubic);
        var truths = new List<(Blur, int)>();
        var taken = new List<Rect>();
        Rect Place(int w, int h)
        {
            for (var attempt = 0; ; attempt++)
            {
                var at = new Rect(random.Next(20, SceneWidth - w - 20), random.Next(SceneHeight / 5, SceneHeight - h - 20), w, h);
                var margin = new Rect(at.X - w, at.Y - h, w * 3, h * 3);
                if (attempt > 200 || taken.All(t => (t & margin).Width == 0))
                {
                    taken.Add(margin);
                    return at;
                }
            }
        }
        for (var i = 0; i < 3; i++)
        {
            var (file, box) = Faces[(index + i) % Faces.Length];
            var height = (int)(0.22 * PixelsPerMetre(3 + random.NextDouble() * 12));
            var width = height * box.W / box.H;
            using var source = Cv2.ImRead(Path.Combine(data, file), ImreadModes.Color);
            using var face = new Mat();
            Cv2.Resize(source[new Rect(box.X, box.Y, box.W, box.H)], face, new Size(width, height), 0, 0, InterpolationFlags.Cubic);
            var at = Place(width, height);
            face.CopyTo(scene[at]);
            truths.Add((Truth(Blur.Face, at), height));
        }
        for (var i = 0; i < 3; i++)
        {
            var width = (int)(0.52 * PixelsPerMetre(4 + random.NextDouble() * 21));
            var height = width * SyntheticPlates.PlateHeight / SyntheticPlates.PlateWidth;
            using var plate = SyntheticPlates.Plate(SyntheticPlates.Numbers[random.Next(SyntheticPlates.Numbers.Length)]);
            using var small = new Mat();
            Cv2.Resize(plate, small, new Size(width, height), 0, 0, InterpolationFlags.Area);
            var at = Place(width, height);
            // On a car panel, as in the tests (not the silver one, which the cascade hardly separates from the plate).
            var panel = new Rect(at.X - at.Width / 4, at.Y - at.Height, at.Width * 3 / 2, at.Height * 3) & new Rect(0, 0, SceneWidth, SceneHeight);
            scene[panel].SetTo(SyntheticPlates.Paints[new[] { 0, 2, 3 }[random.Next(3)]]);
            small.CopyTo(scene[at]);
            truths.Add((Truth(Blur.License, at), width));
        }
        Cv2.GaussianBlur(scene, scene, new Size(3, 3), 0.8); // a lens, not a paste
        Cv2.ImEncode(".jpg", scene, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        return (jpeg, truths);
    }

    private static Blur Truth(string type, Rect r) =>
        new(type, (double)r.Left / SceneWidth, (double)r.Top / SceneHeight, (double)r.Right / SceneWidth, (double)r.Bottom / SceneHeight);

    // As PrivacyDetectionTests.Hides: the blur covers at least 70% of the truth and is at most ten times its area.
    private static bool Hides(Blur detection, Blur truth)
    {
        static double Area(Blur b) => (b.XMax - b.XMin) * (b.YMax - b.YMin);
        var inside = Math.Max(0, Math.Min(detection.XMax, truth.XMax) - Math.Max(detection.XMin, truth.XMin)) *
                     Math.Max(0, Math.Min(detection.YMax, truth.YMax) - Math.Max(detection.YMin, truth.YMin));
        return detection.Type == truth.Type && inside >= 0.7 * Area(truth) && Area(detection) <= 10 * Area(truth);
    }
}
