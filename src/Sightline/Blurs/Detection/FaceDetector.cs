using NetVips;
using Vips = NetVips.Image;

namespace Sightline.Blurs.Detection;

/// <summary>
/// Finds faces in a photo with OpenCV's frontal-face Haar cascade (Lienhart's <c>haarcascade_frontalface_default.xml</c>,
/// Intel licence, shipped inside the assembly), scanning every scale like OpenCV's detectMultiScale and merging
/// overlapping hits. Answers rectangles normalized to the image, widened a little so that hair and ears are blurred too.
/// </summary>
public sealed class FaceDetector
{
    private const double ScaleFactor = 1.15;
    private const int MinNeighbours = 3;
    private const double GroupEps = 0.2;
    private const double Margin = 0.15;

    private readonly HaarCascade cascade;

    public FaceDetector()
    {
        using var stream = typeof(FaceDetector).Assembly.GetManifestResourceStream("Sightline.haarcascade_frontalface_default.xml")
            ?? throw new InvalidOperationException("the face cascade is not embedded");
        cascade = new HaarCascade(stream);
    }

    /// <summary>Faces in <paramref name="image"/> (any size; scanned at most <paramref name="maxWidth"/> pixels wide).</summary>
    public IReadOnlyList<Blur> Detect(Vips image, int maxWidth)
    {
        using var grey = image.Colourspace(Enums.Interpretation.Bw);
        using var flat = grey.HasAlpha() ? grey.ExtractBand(0) : grey.Copy();
        var shrink = Math.Min(1.0, (double)maxWidth / flat.Width);
        // Materialized once: otherwise every scale below would run the whole lazy pipeline from the source again.
        using var shrunk = shrink < 1 ? flat.Resize(shrink) : flat.Copy();
        using var working = shrunk.CopyMemory();
        var width = working.Width;
        var height = working.Height;

        var hits = new List<(double X, double Y, double W, double H)>();
        for (var factor = 1.0; cascade.WindowWidth * factor <= width && cascade.WindowHeight * factor <= height; factor *= ScaleFactor)
        {
            var w = (int)Math.Round(width / factor);
            var h = (int)Math.Round(height / factor);
            if (w < cascade.WindowWidth || h < cascade.WindowHeight)
                break;
            using var scaled = factor == 1.0 ? working.Copy() : working.Resize((double)w / width, vscale: (double)h / height);
            using var bytes = scaled.Cast(Enums.BandFormat.Uchar);
            var pixels = bytes.WriteToMemory<byte>();
            var sw = bytes.Width;
            var sh = bytes.Height;
            var scanner = cascade.For(new IntegralImage(pixels, sw, sh));
            var step = factor > 2 ? 1 : 2;
            for (var y = 0; y + cascade.WindowHeight <= sh; y += step)
                for (var x = 0; x + cascade.WindowWidth <= sw; x += step)
                    if (scanner.Accepts(x, y))
                        hits.Add((x * factor, y * factor, cascade.WindowWidth * factor, cascade.WindowHeight * factor));
        }

        return Group(hits).Select(r =>
        {
            var (mx, my) = (r.W * Margin, r.H * Margin);
            return new Blur(Blur.Face,
                Math.Clamp((r.X - mx) / width, 0, 1), Math.Clamp((r.Y - my) / height, 0, 1),
                Math.Clamp((r.X + r.W + mx) / width, 0, 1), Math.Clamp((r.Y + r.H + my) / height, 0, 1));
        }).ToList();
    }

    // OpenCV's groupRectangles: clusters of similar rectangles, averaged, kept when more than MinNeighbours agree.
    private static List<(double X, double Y, double W, double H)> Group(List<(double X, double Y, double W, double H)> hits)
    {
        var parent = Enumerable.Range(0, hits.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        for (var i = 0; i < hits.Count; i++)
            for (var j = i + 1; j < hits.Count; j++)
                if (Similar(hits[i], hits[j]))
                    parent[Find(i)] = Find(j);
        return hits.Select((r, i) => (Root: Find(i), Rect: r))
            .GroupBy(h => h.Root)
            .Where(g => g.Count() > MinNeighbours)
            .Select(g => (g.Average(h => h.Rect.X), g.Average(h => h.Rect.Y), g.Average(h => h.Rect.W), g.Average(h => h.Rect.H)))
            .ToList();
    }

    private static bool Similar((double X, double Y, double W, double H) a, (double X, double Y, double W, double H) b)
    {
        var delta = GroupEps * (Math.Min(a.W, b.W) + Math.Min(a.H, b.H)) * 0.5;
        return Math.Abs(a.X - b.X) <= delta && Math.Abs(a.Y - b.Y) <= delta &&
               Math.Abs(a.X + a.W - b.X - b.W) <= delta && Math.Abs(a.Y + a.H - b.Y - b.H) <= delta;
    }
}
