using NetVips;
using OpenCvSharp;
using Vips = NetVips.Image;

namespace Sightline.Blurs.Detection;

/// <summary>
/// Finds faces and licence plates in a photo with OpenCV's cascade classifiers (through OpenCvSharp), loaded from the
/// cascades Debian's opencv-data ships, embedded in the assembly (see Cascades/README.md): Lienhart's frontal face (each
/// hit confirmed by his alt2 cascade on the hit's neighbourhood, <see cref="CascadeCheck"/>) and the plate cascade,
/// which finds the dark-on-light plates of European shape. Answers rectangles normalized to the image, faces widened a
/// little so that hair and ears are covered too. One instance is not thread-safe (OpenCV's classifier keeps scratch
/// state): pool them.
/// </summary>
public sealed class PrivacyDetector : IDisposable
{
    /// <summary>
    /// What a cascade finds and how it is run: OpenCV's detectMultiScale scale step and neighbour count, whether the grey
    /// photo's histogram is equalized first, how much the rectangle found is widened on each side, the range of window
    /// sizes scanned (pixels at the scan width; 0 = from the cascade's own window / without limit) and the scan width as a
    /// fraction of <c>Blurs:DetectionWidth</c> (a coarse pass for large sizes needs no fine image).
    /// </summary>
    public sealed record CascadeScan(string Type, string Cascade, double ScaleFactor, int MinNeighbours, bool Equalized, double Margin,
        int MinWidth = 0, int MaxWidth = 0, double WidthFraction = 1, CascadeCheck? Check = null);

    /// <summary>
    /// A second, stricter cascade that must confirm each hit of a scan before it becomes a blur: run only on the hit's
    /// neighbourhood in the scanned image (the hit's box grown <see cref="Enlarge"/> times, centred on it), with windows
    /// from <see cref="MinSize"/> to <see cref="MaxSize"/> times the hit's width, at its own scale step and neighbour
    /// count. A few hundred windows a hit: negligible next to the scan of the whole photo.
    /// </summary>
    public sealed record CascadeCheck(string Cascade, double ScaleFactor, int MinNeighbours, double Enlarge = 1.5,
        double MinSize = 0.6, double MaxSize = 1.3);

    // Lienhart's frontal face on the equalized photo at a scale step of 1.2 (issue 14, `Ingest detection` in bench/, table in
    // docs/community.md): the scan's cost is the sum over its scales of the image's windows, 3.3 times the base image at
    // 1.2 against 5.8 at 1.1, 0.58x the CPU measured. Its neighbour threshold is 1, which finds the most faces (41/48 of the
    // composed street scenes against 37 at 2 and 31 at 3, the same scan cost) but also the most false ones (143), so each
    // hit is confirmed by Lienhart's alt2 (the better but 2x dearer cascade) run only on the hit's neighbourhood, windows
    // 0.6-1.3x the hit at a step of 1.05, 4 neighbours: it kept all 41 faces and 8 of the 143 false detections (52 at 2
    // neighbours unchecked, the former default) for +1-3% of the scan's CPU. The check keeps every face up to 5 neighbours
    // (6 loses one), so 4 leaves a step of margin; 1.1 with 3 left fewer false blurs (1) but no margin (4 loses a face).
    // Tried and not taken: OpenCV's LBP cascade (lbpcascade_frontalface_improved: a 45 px window misses every face under
    // ~90 px of the 12 MP photo at 2048, and enlarged 2x to reach them it costs more than this and found under a third),
    // alt2 as the scan (85% and 16 false at 1.1, for 1.9x the CPU; at 1.2 it loses recall).
    public static readonly CascadeScan FrontalFaces = new(Blur.Face, "haarcascade_frontalface_default.xml", 1.2, 1, true, 0.15,
        Check: new("haarcascade_frontalface_alt2.xml", 1.05, 4));
    // A finer scale step than for faces (plates are narrow, and at 1.1 one between two scales is often missed), and the
    // photo as it is: equalizing it made more false plates in building fronts and found no more real ones. No margin: the
    // cascade's 3:1 window already reaches well above, below and beside a plate of 4.6:1. Issue 14 measured coarser
    // steps (1.06, 1.08, 1.1, also with 2 neighbours) and a fine scan for small plates plus one at half width for large
    // ones: each lost a quarter to a third of the plates under 150 px (the split kept them only where its two ranges left a
    // gap between them; closing it costs as much as this one scan). The step stays at 1.05.
    public static readonly CascadeScan Plates = new(Blur.License, "haarcascade_russian_plate_number.xml", 1.05, 3, false, 0);

    private readonly List<(CascadeScan Scan, CascadeClassifier Classifier, CascadeClassifier? Checker)> cascades = [];

    /// <summary>Loads the cascades asked for; throws when OpenCV's native library cannot be loaded.</summary>
    public PrivacyDetector(bool faces, bool plates)
        : this(DefaultScans(faces, plates))
    {
    }

    /// <summary>Loads the cascades of <paramref name="scans"/> (the recall bench compares configurations with it).</summary>
    public PrivacyDetector(IEnumerable<CascadeScan> scans)
    {
        foreach (var scan in scans)
            cascades.Add((scan, Load(scan.Cascade), scan.Check is { } check ? Load(check.Cascade) : null));
    }

    /// <summary>The scans the server runs.</summary>
    public static IEnumerable<CascadeScan> DefaultScans(bool faces, bool plates)
    {
        if (faces)
            yield return FrontalFaces;
        if (plates)
            yield return Plates;
    }

    private static CascadeClassifier Load(string name)
    {
        using var stream = typeof(PrivacyDetector).Assembly.GetManifestResourceStream($"Sightline.Cascades.{name}")
            ?? throw new InvalidOperationException($"the cascade {name} is not embedded");
        using var reader = new StreamReader(stream);
        using var storage = new FileStorage(reader.ReadToEnd(), FileStorage.Modes.Read | FileStorage.Modes.Memory);
        var classifier = new CascadeClassifier();
        if (storage.GetFirstTopLevelNode() is not { } root || !classifier.Read(root) || classifier.Empty())
        {
            classifier.Dispose();
            throw new InvalidOperationException($"the cascade {name} could not be read");
        }
        return classifier;
    }

    /// <summary>Faces and plates in <paramref name="image"/> (any size; scanned at most <paramref name="maxWidth"/> pixels wide).</summary>
    public IReadOnlyList<Blur> Detect(Vips image, int maxWidth)
    {
        if (cascades.Count == 0)
            return [];
        // One grey image (and one equalized copy) per scan width, shared by the scans at that width.
        var greys = new Dictionary<(int Width, bool Equalized), Mat>();
        try
        {
            var found = new List<Blur>();
            foreach (var (scan, classifier, checker) in cascades)
            {
                var width = (int)Math.Round(Math.Min(maxWidth, image.Width) * scan.WidthFraction);
                var scanned = Scanned(greys, image, width, scan.Equalized);
                var min = scan.MinWidth > 0 ? Window(classifier, scan.MinWidth) : default(Size);
                var max = scan.MaxWidth > 0 ? Window(classifier, scan.MaxWidth) : default(Size);
                foreach (var hit in classifier.DetectMultiScale(scanned, scan.ScaleFactor, scan.MinNeighbours, minSize: min, maxSize: max))
                    if (scan.Check is not { } check || Confirmed(check, checker!, scanned, hit))
                        Add(found, Widened(scan, hit, scanned.Width, scanned.Height));
            }
            return found;
        }
        finally
        {
            foreach (var mat in greys.Values)
                mat.Dispose();
        }
    }

    /// <summary>Whether <paramref name="checker"/> finds a face (or plate) around <paramref name="hit"/> too.</summary>
    private static bool Confirmed(CascadeCheck check, CascadeClassifier checker, Mat scanned, Rect hit)
    {
        var (growX, growY) = ((int)Math.Round(hit.Width * (check.Enlarge - 1) / 2), (int)Math.Round(hit.Height * (check.Enlarge - 1) / 2));
        var around = new Rect(hit.X - growX, hit.Y - growY, hit.Width + 2 * growX, hit.Height + 2 * growY) & new Rect(0, 0, scanned.Width, scanned.Height);
        using var neighbourhood = new Mat(scanned, around);
        var min = Window(checker, (int)Math.Floor(hit.Width * check.MinSize));
        var max = Window(checker, (int)Math.Ceiling(hit.Width * check.MaxSize));
        return checker.DetectMultiScale(neighbourhood, check.ScaleFactor, check.MinNeighbours, minSize: min, maxSize: max).Length > 0;
    }

    private static Mat Scanned(Dictionary<(int, bool), Mat> greys, Vips image, int width, bool equalized)
    {
        if (greys.TryGetValue((width, equalized), out var done))
            return done;
        if (!greys.TryGetValue((width, false), out var grey))
            greys[(width, false)] = grey = Grey(image, width);
        if (!equalized)
            return grey;
        var result = new Mat();
        Cv2.EqualizeHist(grey, result);
        return greys[(width, true)] = result;
    }

    /// <summary>A window <paramref name="width"/> pixels wide in the cascade's proportions.</summary>
    private static Size Window(CascadeClassifier classifier, int width)
    {
        var window = classifier.GetOriginalWindowSize();
        return new Size(width, (int)Math.Round((double)width * window.Height / window.Width));
    }

    /// <summary>
    /// Adds <paramref name="blur"/>, or grows an overlapping one of the same type to cover both (one face or plate found
    /// at two scales is one blur).
    /// </summary>
    private static void Add(List<Blur> found, Blur blur)
    {
        var same = found.FindIndex(other => other.Type == blur.Type && Covered(other, blur) >= 0.5);
        if (same < 0)
        {
            found.Add(blur);
            return;
        }
        var other = found[same];
        found[same] = new Blur(blur.Type, Math.Min(other.XMin, blur.XMin), Math.Min(other.YMin, blur.YMin),
            Math.Max(other.XMax, blur.XMax), Math.Max(other.YMax, blur.YMax));
    }

    /// <summary>How much of the smaller of two rectangles lies inside the other.</summary>
    private static double Covered(Blur a, Blur b)
    {
        var smaller = Math.Min((a.XMax - a.XMin) * (a.YMax - a.YMin), (b.XMax - b.XMin) * (b.YMax - b.YMin));
        return smaller <= 0 ? 0 : Intersection(a, b) / smaller;
    }

    /// <summary>The photo as 8-bit grey pixels <paramref name="width"/> wide, copied into an OpenCV matrix.</summary>
    private static Mat Grey(Vips image, int width)
    {
        using var bw = image.Colourspace(Enums.Interpretation.Bw);
        using var flat = bw.HasAlpha() ? bw.ExtractBand(0) : bw.Copy();
        var scale = (double)width / flat.Width;
        using var shrunk = scale != 1 ? flat.Resize(scale) : flat.Copy();
        using var bytes = shrunk.Format == Enums.BandFormat.Ushort ? (shrunk / 256).Cast(Enums.BandFormat.Uchar) : shrunk.Cast(Enums.BandFormat.Uchar);
        var pixels = bytes.WriteToMemory<byte>();
        using var borrowed = Mat.FromPixelData(bytes.Height, bytes.Width, MatType.CV_8UC1, pixels);
        return borrowed.Clone(); // owns its pixels, so nothing depends on the managed array staying pinned
    }

    private static Blur Widened(CascadeScan scan, Rect r, int width, int height)
    {
        var (mx, my) = (r.Width * scan.Margin, r.Height * scan.Margin);
        return new Blur(scan.Type,
            Math.Clamp((r.X - mx) / width, 0, 1), Math.Clamp((r.Y - my) / height, 0, 1),
            Math.Clamp((r.Right + mx) / width, 0, 1), Math.Clamp((r.Bottom + my) / height, 0, 1));
    }

    /// <summary>Intersection over union of two blurs' rectangles.</summary>
    public static double Overlap(Blur a, Blur b)
    {
        var intersection = Intersection(a, b);
        var union = (a.XMax - a.XMin) * (a.YMax - a.YMin) + (b.XMax - b.XMin) * (b.YMax - b.YMin) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    private static double Intersection(Blur a, Blur b) =>
        Math.Max(0, Math.Min(a.XMax, b.XMax) - Math.Max(a.XMin, b.XMin)) * Math.Max(0, Math.Min(a.YMax, b.YMax) - Math.Max(a.YMin, b.YMin));

    public void Dispose()
    {
        foreach (var (_, classifier, checker) in cascades)
        {
            classifier.Dispose();
            checker?.Dispose();
        }
        cascades.Clear();
    }
}
