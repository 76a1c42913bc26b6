// Recall, false detections and CPU of face and plate detector configurations (issue 14: "run detection on the smallest
// width that keeps recall, and report recall at each width"; then the cheapest configuration that keeps that recall).
// Usage: Ingest detection [SCENES] [CANDIDATE...] (a candidate is named by a prefix of its name, default all; or given as
// KIND=CASCADE,STEP,NEIGHBOURS[,MINPX,MAXPX,FRACTION][+ANOTHER SCAN...][@WIDTH], e.g.
// face=haarcascade_frontalface_default.xml,1.2,2 or plate=haarcascade_russian_plate_number.xml,1.05,3,0,100+haarcascade_russian_plate_number.xml,1.05,3,0,0,0.5;
// a suffix ~CASCADE,STEP,NEIGHBOURS[,ENLARGE,MIN,MAX] before @WIDTH has every hit of the candidate's scans confirmed by a
// second cascade on the hit's neighbourhood, PrivacyDetector.CascadeCheck, e.g.
// face=haarcascade_frontalface_default.xml,1.2,2~haarcascade_frontalface_alt2.xml,1.05,1,1.5,0.6,1.3). Each
// candidate is a list of PrivacyDetector scans (cascade, scale step, neighbours, sizes, width) for one kind, faces or
// plates; all run on the same scenes, in an order that alternates between scenes, and the table gives each one's recall,
// recall by size, detections matching nothing ("Extra": every false blur hides street content) and CPU per photo.
// A candidate yunet[:THRESHOLD][@WIDTH] runs OpenCV's DNN face detector (FaceDetectorYN, YuNet) instead, on the colour photo,
// with the ONNX model file named by YUNET_MODEL (OpenCV Zoo's face_detection_yunet; not shipped with Sightline): the
// measure of whether a small CNN would make detection cheap (issue 14).
//
// Ground truth is known because the scenes are composed: 4000x3000 street-like canvases (the tests' background photos,
// enlarged) with frontal faces (the three labelled faces of the tests' data set, OpenCV samples and NASA's public-domain
// astronaut) and drawn European plates (the tests' SyntheticPlates) pasted at the sizes a 12 MP street camera of ~65 degrees
// sees them: faces 0.22 m tall at 3-15 m (about 45-230 px), plates 520 mm wide at 4-25 m (about 65-410 px). Each scene is
// JPEG-encoded and decoded at 2048 as the server does, then scanned by every candidate; a detection finds a face or plate
// when its blur would hide it (PrivacyDetectionTests.Hides: covers 70% of it, at most ten times its size).
using System.Diagnostics;
using System.Globalization;
using NetVips;
using OpenCvSharp;
using Sightline.Blurs;
using Sightline.Blurs.Detection;
using Sightline.Tests.Community;
using Check = Sightline.Blurs.Detection.PrivacyDetector.CascadeCheck;
using Scan = Sightline.Blurs.Detection.PrivacyDetector.CascadeScan;
using Vips = NetVips.Image;

static class DetectionWidths
{
    /// <summary>A detector configuration for one kind: its scans, the scan width, and OpenCV's thread count (0 = its default).</summary>
    private sealed record Candidate(string Name, string Kind, Scan[] Scans, int Width = 2048, int Threads = 0);

    private const string HaarFace = "haarcascade_frontalface_default.xml", Alt2 = "haarcascade_frontalface_alt2.xml",
        LbpFace = "lbpcascade_frontalface_improved.xml", Plate = "haarcascade_russian_plate_number.xml";

    private static Scan Face(string cascade, double scale, int neighbours, double margin = 0.15, double fraction = 1) =>
        new(Blur.Face, cascade, scale, neighbours, true, margin, WidthFraction: fraction);

    /// <summary>Alt2 confirming each hit of <paramref name="scan"/> on its neighbourhood (PrivacyDetector.CascadeCheck).</summary>
    private static Scan Checked(Scan scan, double scale, int neighbours, double enlarge = 1.5, double min = 0.6, double max = 1.3) =>
        scan with { Check = new Check(Alt2, scale, neighbours, enlarge, min, max) };

    private static Scan Plates(double scale, int neighbours, int minWidth = 0, int maxWidth = 0, double fraction = 1) =>
        new(Blur.License, Plate, scale, neighbours, false, 0, minWidth, maxWidth, fraction);

    private static readonly Candidate[] Candidates =
    [
        new("faces: server (Haar default 1.2 n1, alt2 check 1.05 n4)", "face", [PrivacyDetector.FrontalFaces]),
        new("faces: Haar default 1.2 n1", "face", [Face(HaarFace, 1.2, 1)]),
        new("faces: Haar default 1.2 n1, alt2 check 1.05 n2", "face", [Checked(Face(HaarFace, 1.2, 1), 1.05, 2)]),
        new("faces: Haar default 1.2 n1, alt2 check 1.05 n3", "face", [Checked(Face(HaarFace, 1.2, 1), 1.05, 3)]),
        new("faces: Haar default 1.2 n1, alt2 check 1.05 n5", "face", [Checked(Face(HaarFace, 1.2, 1), 1.05, 5)]),
        new("faces: Haar default 1.2 n1, alt2 check 1.05 n6", "face", [Checked(Face(HaarFace, 1.2, 1), 1.05, 6)]),
        new("faces: Haar default 1.2 n1, alt2 check 1.1 n2", "face", [Checked(Face(HaarFace, 1.2, 1), 1.1, 2)]),
        new("faces: Haar default 1.2 n1, alt2 check 1.1 n3", "face", [Checked(Face(HaarFace, 1.2, 1), 1.1, 3)]),
        new("faces: Haar default 1.2 n1, alt2 check 1.05 n4 on 2x", "face", [Checked(Face(HaarFace, 1.2, 1), 1.05, 4, enlarge: 2)]),
        new("faces: Haar default 1.2 n2, alt2 check 1.05 n4", "face", [Checked(Face(HaarFace, 1.2, 2), 1.05, 4)]),
        new("faces: Haar default 1.3 n1, alt2 check 1.05 n4", "face", [Checked(Face(HaarFace, 1.3, 1), 1.05, 4)]),
        new("faces: server, 1 OpenCV thread", "face", [PrivacyDetector.FrontalFaces], Threads: 1),
        new("faces: Haar default 1.2 n3", "face", [Face(HaarFace, 1.2, 3)]),
        new("faces: Haar default 1.2 n2 (before)", "face", [Face(HaarFace, 1.2, 2)]),
        new("faces: Haar alt2 1.1 n3", "face", [Face(Alt2, 1.1, 3)]),
        new("faces: Haar alt2 1.2 n3", "face", [Face(Alt2, 1.2, 3)]),
        new("faces: LBP improved 1.1 n3", "face", [Face(LbpFace, 1.1, 3)]),
        new("faces: LBP improved 1.1 n3 enlarged 2x", "face", [Face(LbpFace, 1.1, 3, fraction: 2)]),
        new("faces: LBP improved 1.2 n3 enlarged 2x", "face", [Face(LbpFace, 1.2, 3, fraction: 2)]),
        new("plates: today (1.05 n3)", "plate", [PrivacyDetector.Plates]),
        new("plates: today, 1 OpenCV thread", "plate", [PrivacyDetector.Plates], Threads: 1),
        new("plates: 1.08 n3", "plate", [Plates(1.08, 3)]),
        new("plates: 1.1 n3", "plate", [Plates(1.1, 3)]),
        new("plates: 1.1 n2", "plate", [Plates(1.1, 2)]),
        new("plates: 1.08 n3 up to 120 px + 1.1 n3 at half", "plate", [Plates(1.08, 3, maxWidth: 120), Plates(1.1, 3, fraction: 0.5)]),
    ];

    // Faces in the tests' labelled photos: file and box (x, y, w, h) in pixels.
    private static readonly (string File, (int X, int Y, int W, int H) Box)[] Faces =
    [
        ("messi5.jpg", (220, 88, 46, 46)),
        ("basketball1.png", (62, 82, 48, 58)),
        ("astronaut.jpg", (178, 70, 90, 95)),
    ];

    private static readonly string[] WithoutFacesOrPlates = ["building.jpg", "fruits.jpg", "home.jpg", "starry_night.jpg"];

    private const int SceneWidth = 4000, SceneHeight = 3000;
    // Pixels per metre at distance d for a 4000 px sensor row over a 65 degree field: 4000 / (2 d tan 32.5).
    private static double PixelsPerMetre(double distance) => SceneWidth / (2 * distance * Math.Tan(32.5 * Math.PI / 180));

    public static void Run(string dataFolder, int scenes, string[] only)
    {
        // INGEST_CV_THREADS=1: OpenCV's own parallel loops off (the server already renders one photo per worker thread).
        if (int.TryParse(Environment.GetEnvironmentVariable("INGEST_CV_THREADS"), out var cvThreads))
            Cv2.SetNumThreads(cvThreads);
        var defaultThreads = Cv2.GetNumThreads();
        Console.WriteLine($"OpenCV threads: {defaultThreads}; load average {Load()}");
        var candidates = Candidates.Where(c => only.Length == 0 || only.Any(o => c.Name.StartsWith(o, StringComparison.Ordinal)))
            .Concat(only.Where(o => o.Contains('=') || o.StartsWith("yunet")).Select(Parse)).ToArray();
        var detectors = candidates.Select(c => new PrivacyDetector(c.Scans)).ToArray();
        var random = new Random(14);
        var rows = candidates.Select(_ => (Found: 0, Extra: 0, Cpu: 0.0)).ToArray();
        var bySize = new Dictionary<(int Candidate, string Bucket), (int Found, int Total)>();
        var totals = new Dictionary<string, int> { ["face"] = 0, ["plate"] = 0 };
        var buckets = new HashSet<(string Kind, string Bucket)>();
        for (var s = 0; s < scenes; s++)
        {
            var (jpeg, truths) = Compose(dataFolder, random, s);
            foreach (var (truth, size) in truths)
            {
                totals[KindOf(truth)]++;
                buckets.Add((KindOf(truth), Bucket(KindOf(truth), size)));
            }
            // What the worker scans: the upload decoded once at 2048 with shrink-on-load (Derivatives).
            using var loaded = Vips.ThumbnailBuffer(jpeg, 2048, height: 10_000_000, size: Enums.Size.Down);
            using var upright = loaded.CopyMemory();
            // Alternate the order, so that no candidate always runs first (cold caches) or last.
            var order = Enumerable.Range(0, candidates.Length);
            foreach (var i in s % 2 == 0 ? order : order.Reverse())
            {
                var candidate = candidates[i];
                Cv2.SetNumThreads(candidate.Threads > 0 ? candidate.Threads : defaultThreads);
                var before = Cpu();
                var detections = candidate.Name.StartsWith("yunet") ? YuNet(upright, candidate.Width, candidate.Name) : detectors[i].Detect(upright, candidate.Width);
                var used = Cpu() - before;
                Cv2.SetNumThreads(defaultThreads);
                var mine = truths.Where(t => KindOf(t.Blur) == candidate.Kind).ToList();
                var found = 0;
                foreach (var (truth, size) in mine)
                {
                    var hit = detections.Any(d => Hides(d, truth));
                    found += hit ? 1 : 0;
                    var key = (i, Bucket(candidate.Kind, size));
                    var (f, t) = bySize.GetValueOrDefault(key);
                    bySize[key] = (f + (hit ? 1 : 0), t + 1);
                }
                var extra = detections.Count(d => !mine.Any(t => PrivacyDetector.Overlap(d, t.Blur) > 0));
                rows[i] = (rows[i].Found + found, rows[i].Extra + extra, rows[i].Cpu + used);
            }
            Console.Error.Write('.');
            if (s + 1 < scenes && (s + 1) % 4 == 0) // so far, for a run cut short
                Print(candidates, s + 1, totals, buckets, rows, bySize, null);
        }
        Console.Error.WriteLine();
        // The tests' photos without faces or plates (PrivacyDetectionTests.PhotosWithoutFacesOrPlatesGetAlmostNoBlurs, at its
        // width of 1024): every detection there is a false blur, in photos unlike the composed scenes' two backgrounds.
        var empty = new int[candidates.Length];
        foreach (var file in WithoutFacesOrPlates)
        {
            using var photo = Vips.NewFromFile(Path.Combine(dataFolder, file));
            for (var i = 0; i < candidates.Length; i++)
                empty[i] += detectors[i].Detect(photo, 1024).Count;
        }
        foreach (var detector in detectors)
            detector.Dispose();
        Print(candidates, scenes, totals, buckets, rows, bySize, empty);
    }

    private static void Print(Candidate[] candidates, int scenes, Dictionary<string, int> totals, HashSet<(string Kind, string Bucket)> buckets,
        (int Found, int Extra, double Cpu)[] rows, Dictionary<(int Candidate, string Bucket), (int Found, int Total)> bySize, int[]? empty)
    {
        Console.WriteLine($"{scenes} scenes of 4000x3000, {totals["face"]} faces and {totals["plate"]} plates placed, decoded at 2048; load average at the end {Load()}:");
        Console.WriteLine();
        foreach (var kind in new[] { "face", "plate" })
        {
            var mine = Enumerable.Range(0, candidates.Length).Where(i => candidates[i].Kind == kind).ToList();
            if (mine.Count == 0)
                continue;
            var sizes = buckets.Where(b => b.Kind == kind).Select(b => b.Bucket).OrderBy(b => int.Parse(b.Split('-')[0], CultureInfo.InvariantCulture)).ToList();
            Console.WriteLine($"| {kind} candidate | scan width | recall | " + string.Join(" | ", sizes.Select(b => $"{b} px")) + " | Extra | in 4 empty photos | CPU ms/photo |");
            Console.WriteLine("| --- | ---: | ---: |" + string.Concat(sizes.Select(_ => " ---: |")) + " ---: | ---: | ---: |");
            foreach (var i in mine)
            {
                var (found, extra, cpu) = rows[i];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {candidates[i].Name} | {candidates[i].Width} | {found}/{totals[kind]} = {100.0 * found / totals[kind]:F0}% | ") +
                    string.Join(" | ", sizes.Select(b => bySize.TryGetValue((i, b), out var v) ? $"{v.Found}/{v.Total}" : "-")) +
                    string.Create(CultureInfo.InvariantCulture, $" | {extra} | {(empty is null ? "-" : empty[i])} | {1000 * cpu / scenes:F0} |"));
            }
            Console.WriteLine();
        }
    }

    /// <summary>A candidate from the command line (see the usage above).</summary>
    private static Candidate Parse(string spec)
    {
        if (spec.StartsWith("yunet"))
            return new Candidate(spec, "face", [], spec.Contains('@') ? int.Parse(spec[(spec.IndexOf('@') + 1)..], CultureInfo.InvariantCulture) : 2048);
        var (kind, rest) = (spec[..spec.IndexOf('=')], spec[(spec.IndexOf('=') + 1)..]);
        var width = 2048;
        if (rest.LastIndexOf('@') is var at and > 0)
            (rest, width) = (rest[..at], int.Parse(rest[(at + 1)..], CultureInfo.InvariantCulture));
        Check? check = null;
        if (rest.IndexOf('~') is var tilde and > 0)
        {
            var c = rest[(tilde + 1)..].Split(',');
            double Of(int i, double otherwise) => c.Length > i ? double.Parse(c[i], CultureInfo.InvariantCulture) : otherwise;
            (rest, check) = (rest[..tilde], new Check(c[0], Of(1, 1.05), (int)Of(2, 1), Of(3, 1.5), Of(4, 0.6), Of(5, 1.3)));
        }
        var scans = rest.Split('+').Select(scan =>
        {
            var p = scan.Split(',');
            double Number(int i, double otherwise) => p.Length > i ? double.Parse(p[i], CultureInfo.InvariantCulture) : otherwise;
            return kind == "face"
                ? new Scan(Blur.Face, p[0], Number(1, 1.1), (int)Number(2, 3), true, 0.15, (int)Number(3, 0), (int)Number(4, 0), Number(5, 1))
                : new Scan(Blur.License, p[0], Number(1, 1.05), (int)Number(2, 3), false, 0, (int)Number(3, 0), (int)Number(4, 0), Number(5, 1));
        }).Select(scan => scan with { Check = check }).ToArray();
        return new Candidate(spec, kind, scans, width);
    }

    private static readonly Dictionary<string, FaceDetectorYN> yunets = [];

    /// <summary>Faces found by YuNet (candidate yunet[:THRESHOLD][@WIDTH], default score threshold 0.6), widened as the cascade's are.</summary>
    private static IReadOnlyList<Blur> YuNet(Vips image, int width, string name)
    {
        var threshold = name.Contains(':') ? double.Parse(name.Split(':')[1].Split('@')[0], CultureInfo.InvariantCulture) : 0.6;
        using var small = width < image.Width ? image.Resize((double)width / image.Width) : image.Copy();
        using var rgb = small.Bands > 3 ? small.ExtractBand(0, 3) : small.Copy();
        var bytes = rgb.Cast(Enums.BandFormat.Uchar).WriteToMemory();
        using var mat = Mat.FromPixelData(rgb.Height, rgb.Width, MatType.CV_8UC3, bytes);
        using var bgr = new Mat();
        Cv2.CvtColor(mat, bgr, ColorConversionCodes.RGB2BGR);
        if (!yunets.TryGetValue(name, out var det))
            yunets[name] = det = FaceDetectorYN.Create(Environment.GetEnvironmentVariable("YUNET_MODEL") ?? throw new InvalidOperationException("set YUNET_MODEL to YuNet's ONNX file"), "", new Size(bgr.Width, bgr.Height), (float)threshold, 0.3f, 5000);
        using var faces = new Mat();
        det.Detect(bgr, faces);
        var list = new List<Blur>();
        for (var r = 0; r < faces.Rows; r++)
        {
            float x = faces.At<float>(r, 0), y = faces.At<float>(r, 1), w = faces.At<float>(r, 2), h = faces.At<float>(r, 3);
            var (mx, my) = (w * PrivacyDetector.FrontalFaces.Margin, h * PrivacyDetector.FrontalFaces.Margin);
            list.Add(new Blur(Blur.Face, Math.Clamp((x - mx) / bgr.Width, 0, 1), Math.Clamp((y - my) / bgr.Height, 0, 1),
                Math.Clamp((x + w + mx) / bgr.Width, 0, 1), Math.Clamp((y + h + my) / bgr.Height, 0, 1)));
        }
        return list;
    }

    private static string KindOf(Blur blur) => blur.Type == Blur.Face ? "face" : "plate";

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

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
