using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace Sightline.Blurs.Detection;

/// <summary>
/// A boosted cascade of Haar-like features in OpenCV's XML format (stump-based, upright features), evaluated
/// here in C# over integral images so that the server needs no native computer-vision library. The arithmetic
/// follows OpenCV's HaarEvaluator: feature sums weighted as stored, normalized by the window's standard deviation
/// over the window less a one-pixel border, compared with each stump's threshold.
/// </summary>
public sealed class HaarCascade
{
    private readonly record struct WeightedRect(int X, int Y, int Width, int Height, float Weight);

    private readonly record struct Stump(int Feature, float Threshold, float Left, float Right);

    private readonly record struct Stage(float Threshold, Stump[] Stumps);

    private readonly Stage[] stages;
    private readonly WeightedRect[][] features;

    public int WindowWidth { get; }
    public int WindowHeight { get; }

    public HaarCascade(Stream xml)
    {
        var cascade = XDocument.Load(xml).Root!.Element("cascade") ?? throw new InvalidDataException("no <cascade> element");
        if ((string?)cascade.Element("featureType") != "HAAR" || (string?)cascade.Element("stageType") != "BOOST")
            throw new InvalidDataException("only boosted Haar cascades are supported");
        WindowWidth = (int)cascade.Element("width")!;
        WindowHeight = (int)cascade.Element("height")!;
        features = cascade.Element("features")!.Elements().Select(feature =>
        {
            if ((string?)feature.Element("tilted") == "1")
                throw new InvalidDataException("tilted Haar features are not supported");
            return feature.Element("rects")!.Elements().Select(r =>
            {
                var n = Numbers(r.Value);
                return new WeightedRect((int)n[0], (int)n[1], (int)n[2], (int)n[3], (float)n[4]);
            }).ToArray();
        }).ToArray();
        stages = cascade.Element("stages")!.Elements().Select(stage => new Stage(
            (float)Numbers(stage.Element("stageThreshold")!.Value)[0],
            stage.Element("weakClassifiers")!.Elements().Select(weak =>
            {
                var nodes = Numbers(weak.Element("internalNodes")!.Value);
                var leaves = Numbers(weak.Element("leafValues")!.Value);
                if (nodes.Length != 4 || leaves.Length != 2)
                    throw new InvalidDataException("only stump classifiers are supported");
                return new Stump((int)nodes[2], (float)nodes[3], (float)leaves[0], (float)leaves[1]);
            }).ToArray())).ToArray();
    }

    private static double[] Numbers(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>
    /// The cascade laid out for one integral image: every rectangle as four offsets into its table, so that a
    /// window's feature is a handful of additions (the layout OpenCV's own evaluator uses).
    /// </summary>
    public Scanner For(IntegralImage image) => new(this, image);

    public sealed class Scanner
    {
        private readonly HaarCascade cascade;
        private readonly IntegralImage image;
        private readonly int[] offsets;      // per rectangle: 4 offsets
        private readonly float[] weights;    // per rectangle
        private readonly int[] firstRect;    // per feature: index of its first rectangle; firstRect[^1] = count
        private readonly int[] norm;         // the normalization rectangle's 4 offsets

        internal Scanner(HaarCascade cascade, IntegralImage image)
        {
            this.cascade = cascade;
            this.image = image;
            var stride = image.Stride;
            var rects = cascade.features.SelectMany(f => f).ToArray();
            offsets = new int[rects.Length * 4];
            weights = new float[rects.Length];
            for (var i = 0; i < rects.Length; i++)
            {
                Corners(rects[i].X, rects[i].Y, rects[i].Width, rects[i].Height, stride, offsets, i * 4);
                weights[i] = rects[i].Weight;
            }
            firstRect = new int[cascade.features.Length + 1];
            for (var f = 0; f < cascade.features.Length; f++)
                firstRect[f + 1] = firstRect[f] + cascade.features[f].Length;
            norm = new int[4];
            Corners(1, 1, cascade.WindowWidth - 2, cascade.WindowHeight - 2, stride, norm, 0);
        }

        private static void Corners(int x, int y, int width, int height, int stride, int[] into, int at)
        {
            into[at] = y * stride + x;
            into[at + 1] = y * stride + x + width;
            into[at + 2] = (y + height) * stride + x;
            into[at + 3] = (y + height) * stride + x + width;
        }

        /// <summary>Whether the window with its top-left corner at (x, y) passes every stage.</summary>
        public bool Accepts(int x, int y)
        {
            var sums = image.Sums;
            var squares = image.Squares;
            var b = y * image.Stride + x;
            // Variance normalization over the window less its one-pixel border, and OpenCV's rejection of flat windows.
            var area = (double)(cascade.WindowWidth - 2) * (cascade.WindowHeight - 2);
            double sum = sums[b + norm[3]] - sums[b + norm[2]] - sums[b + norm[1]] + sums[b + norm[0]];
            double sq = squares[b + norm[3]] - squares[b + norm[2]] - squares[b + norm[1]] + squares[b + norm[0]];
            var nf = area * sq - sum * sum;
            if (nf <= 0)
                return false;
            var scale = (float)(1.0 / Math.Sqrt(nf));
            if (area * scale >= 0.1)
                return false;

            // Hot loop: array reads without bounds checks (every offset was computed for this table's stride, and
            // the caller keeps windows inside the image).
            ref var sumsBase = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(sums), b);
            ref var offsetsBase = ref MemoryMarshal.GetArrayDataReference(offsets);
            ref var weightsBase = ref MemoryMarshal.GetArrayDataReference(weights);
            foreach (var stage in cascade.stages)
            {
                var total = 0f;
                foreach (var stump in stage.Stumps)
                {
                    float value = 0;
                    for (int r = firstRect[stump.Feature], end = firstRect[stump.Feature + 1]; r < end; r++)
                    {
                        ref var o = ref Unsafe.Add(ref offsetsBase, r * 4);
                        var rectSum = Unsafe.Add(ref sumsBase, Unsafe.Add(ref o, 3)) - Unsafe.Add(ref sumsBase, Unsafe.Add(ref o, 2))
                                      - Unsafe.Add(ref sumsBase, Unsafe.Add(ref o, 1)) + Unsafe.Add(ref sumsBase, o);
                        value += Unsafe.Add(ref weightsBase, r) * rectSum;
                    }
                    total += value * scale < stump.Threshold ? stump.Left : stump.Right;
                }
                if (total < stage.Threshold)
                    return false;
            }
            return true;
        }
    }
}

/// <summary>Summed-area tables of a grayscale image and of its squares: any rectangle's sum in four lookups.</summary>
public sealed class IntegralImage
{
    internal int[] Sums { get; }
    internal long[] Squares { get; }
    internal int Stride { get; }

    public int Width { get; }
    public int Height { get; }

    public IntegralImage(byte[] pixels, int width, int height)
    {
        Width = width;
        Height = height;
        var stride = Stride = width + 1;
        var sums = Sums = new int[stride * (height + 1)];
        var squares = Squares = new long[stride * (height + 1)];
        for (var y = 0; y < height; y++)
        {
            int row = 0;
            long rowSquares = 0;
            for (var x = 0; x < width; x++)
            {
                int p = pixels[y * width + x];
                row += p;
                rowSquares += p * p;
                sums[(y + 1) * stride + x + 1] = sums[y * stride + x + 1] + row;
                squares[(y + 1) * stride + x + 1] = squares[y * stride + x + 1] + rowSquares;
            }
        }
    }
}
