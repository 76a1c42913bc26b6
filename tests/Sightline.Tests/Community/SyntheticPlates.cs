using OpenCvSharp;
using Vips = NetVips.Image;

namespace Sightline.Tests.Community;

/// <summary>
/// Licence plates drawn here (no photo of a real plate ships with the tests): a light plate of the European 520×112 mm
/// shape with a dark border and dark characters in OpenCV's Hershey font, in two layouts (Russian, with the region
/// number at the right; EU, with the blue band at the left), mounted on a car-coloured panel in a street photo.
/// </summary>
public static class SyntheticPlates
{
    public const int PlateWidth = 520, PlateHeight = 112;

    public static readonly (string Text, string Region)[] Numbers = [("A123BC", "77"), ("K555MH", "199"), ("B AB 1234", ""), ("M XY 987", "")];

    /// <summary>Car paint (blue, silver, red, black), in OpenCV's BGR order.</summary>
    public static readonly Scalar[] Paints = [new(90, 40, 30), new(180, 180, 185), new(30, 30, 160), new(40, 40, 40)];

    public static Mat Plate((string Text, string Region) number)
    {
        var plate = new Mat(PlateHeight, PlateWidth, MatType.CV_8UC3, Scalar.All(235));
        Cv2.Rectangle(plate, new Rect(3, 3, 514, 106), Scalar.All(20), 5);
        if (number.Region.Length == 0)
        {
            Cv2.Rectangle(plate, new Rect(6, 6, 50, 100), new Scalar(160, 50, 0), -1);
            Cv2.PutText(plate, "D", new Point(14, 95), HersheyFonts.HersheySimplex, 1.3, Scalar.All(255), 3);
            Cv2.PutText(plate, number.Text, new Point(70, 92), HersheyFonts.HersheyDuplex, 2.9, Scalar.All(15), 9, LineTypes.AntiAlias);
        }
        else
        {
            Cv2.PutText(plate, number.Text, new Point(18, 92), HersheyFonts.HersheyDuplex, 2.9, Scalar.All(15), 9, LineTypes.AntiAlias);
            Cv2.Line(plate, new Point(410, 6), new Point(410, 106), Scalar.All(20), 3);
            Cv2.PutText(plate, number.Region, new Point(425, 70), HersheyFonts.HersheyDuplex, 1.6, Scalar.All(15), 5, LineTypes.AntiAlias);
            Cv2.PutText(plate, "RUS", new Point(430, 100), HersheyFonts.HersheySimplex, 0.8, Scalar.All(15), 2);
        }
        return plate;
    }

    /// <summary>
    /// <paramref name="background"/> (any photo, shrunk to <paramref name="sceneWidth"/>) with a plate
    /// <paramref name="width"/> pixels wide whose top-left corner is at the fractions (<paramref name="px"/>, <paramref name="py"/>)
    /// of the scene, on a panel of <see cref="Paints"/>[<paramref name="paint"/>]; answers the scene and the plate's
    /// rectangle in pixels.
    /// </summary>
    public static (Vips Scene, Rect Plate) Scene(string background, int sceneWidth, int number, int paint, int width, double px, double py)
    {
        using var photo = Cv2.ImRead(background, ImreadModes.Color);
        using var scene = new Mat();
        Cv2.Resize(photo, scene, new Size(sceneWidth, photo.Rows * sceneWidth / photo.Cols), 0, 0, InterpolationFlags.Area);
        using var plate = Plate(Numbers[number % Numbers.Length]);
        using var small = new Mat();
        Cv2.Resize(plate, small, new Size(width, width * PlateHeight / PlateWidth), 0, 0, InterpolationFlags.Area);
        var at = new Rect((int)(px * scene.Cols), (int)(py * scene.Rows), small.Cols, small.Rows);
        var panel = new Rect(at.X - at.Width / 4, at.Y - at.Height, at.Width * 3 / 2, at.Height * 3) & new Rect(0, 0, scene.Cols, scene.Rows);
        scene[panel].SetTo(Paints[paint]);
        small.CopyTo(scene[at]);
        Cv2.GaussianBlur(scene, scene, new Size(3, 3), 0.8); // a lens, not a paste
        Cv2.ImEncode(".png", scene, out var png);
        return (Vips.NewFromBuffer(png), at);
    }
}
