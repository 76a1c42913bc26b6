using System.Globalization;
using NetVips;
using Sightline.Access;
using Sightline.Applications;
using Sightline.Images;
using Sightline.Import;
using Sightline.Storage;
using Sightline.Tokens;
using Sightline.Users;
using Vips = NetVips.Image;

namespace Sightline.Demo;

/// <summary>
/// The demo set for <c>serve --demo</c>: generated geotagged JPEGs along a few streets, uploaded through the
/// server's own upload API (as the import tool does), so a newcomer sees real images, thumbnails and sequences.
/// </summary>
public static class DemoImagery
{
    public const string Username = "demo";

    /// <summary>A street walked at a steady pace: start point, bearing in degrees, photo count.</summary>
    private sealed record Street(string Name, double Lat, double Lon, double Bearing, int Photos, DateTime Start);

    private static readonly Street[] Streets =
    [
        new("Korenmarkt", 51.05412, 3.72176, 12, 80, new DateTime(2024, 5, 4, 9, 0, 0, DateTimeKind.Utc)),
        new("Veldstraat", 51.05290, 3.72220, 188, 70, new DateTime(2024, 5, 4, 10, 0, 0, DateTimeKind.Utc)),
        new("Graslei", 51.05560, 3.72060, 350, 60, new DateTime(2024, 5, 4, 11, 0, 0, DateTimeKind.Utc)),
        new("Sint-Michielsbrug", 51.05450, 3.71890, 95, 50, new DateTime(2024, 5, 5, 9, 30, 0, DateTimeKind.Utc)),
    ];

    private const double MetersPerPhoto = 6;
    private const double SecondsPerPhoto = 2;

    /// <summary>True when the data folder holds no images yet, so the demo set should be made.</summary>
    public static async Task<bool> IsNeededAsync(IServiceProvider storage) =>
        await storage.GetRequiredService<IImageStatistics>().CountAllAsync() == 0;

    /// <summary>
    /// Generates the demo photos and uploads them to the running server at <paramref name="address"/>;
    /// <paramref name="photosPerStreet"/> makes a smaller set (tests).
    /// </summary>
    public static async Task<int> LoadAsync(
        IServiceProvider storage, string clientId, Uri address, TextWriter log, CancellationToken cancellation, int? photosPerStreet = null)
    {
        var users = storage.GetRequiredService<IUserStore>();
        var tokens = storage.GetRequiredService<ITokenStore>();
        var user = await users.FindByUsernameAsync(Username)
            ?? await users.AddAsync(Username, "demo@sightline.invalid", RandomKey.NewSecret());
        var application = await storage.GetRequiredService<IApplicationStore>().FindAsync(clientId)
            ?? throw new InvalidOperationException("the demo application is missing");
        var token = await tokens.IssueAsync(user.Id, application.Id, [Scopes.PublicUpload]);

        var folder = Path.Combine(storage.GetRequiredService<StorageOptions>().DataDirectory, "tmp", "demo-photos");
        Directory.CreateDirectory(folder);
        try
        {
            var streets = Streets.Select(s => photosPerStreet is { } n ? s with { Photos = n } : s).ToList();
            log.WriteLine($"demo: generating {streets.Sum(s => s.Photos)} photos along {streets.Count} streets...");
            foreach (var street in streets)
                for (var i = 0; i < street.Photos; i++)
                    Write(folder, street, i);

            using var http = new HttpClient { BaseAddress = address };
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var importer = new PhotoImporter(http, clientId, project: null, track: null, jobs: 2);
            var results = await importer.RunAsync(PhotoImporter.FindPhotos(folder), (_, _) => { }, cancellation);
            var uploaded = results.Count(r => r.Outcome is PhotoImporter.Outcome.Uploaded or PhotoImporter.Outcome.AlreadyThere);
            log.WriteLine($"demo: uploaded {uploaded} photos as user '{Username}'; thumbnails follow in the background");
            return uploaded;
        }
        finally
        {
            await tokens.RevokeAsync(token);
            Directory.Delete(folder, recursive: true);
        }
    }

    // A simple street scene (sky, facades that slide past as the walker moves, road), with GPS, time and direction in EXIF.
    private static void Write(string folder, Street street, int index)
    {
        const int width = 1600, height = 1200;
        var (lat, lon) = Walk(street, index * MetersPerPhoto);
        using var scene = Vips.Black(width, height, bands: 3).Mutate(canvas =>
        {
            canvas.DrawRect([135, 180, 225], 0, 0, width, height / 2, fill: true);
            canvas.DrawRect([90, 90, 95], 0, height * 3 / 4, width, height / 4, fill: true);
            var random = new Random(street.Name.GetHashCode() ^ index);
            for (var x = -(index * 37 % 200); x < width; x += 200)
            {
                var shade = 120 + (x / 200 + index / 5) % 5 * 20;
                canvas.DrawRect([shade, shade * 0.8, shade * 0.6], x, height / 4 + random.Next(60), 180, height / 2, fill: true);
            }
        });
        using var photo = scene.Cast(Enums.BandFormat.Uchar).Mutate(image =>
        {
            image.Set(GValue.GStrType, "exif-ifd3-GPSLatitude", Dms(lat));
            image.Set(GValue.GStrType, "exif-ifd3-GPSLatitudeRef", lat < 0 ? "S" : "N");
            image.Set(GValue.GStrType, "exif-ifd3-GPSLongitude", Dms(lon));
            image.Set(GValue.GStrType, "exif-ifd3-GPSLongitudeRef", lon < 0 ? "W" : "E");
            image.Set(GValue.GStrType, "exif-ifd3-GPSImgDirection", $"{(long)(street.Bearing * 100)}/100");
            image.Set(GValue.GStrType, "exif-ifd2-DateTimeOriginal",
                street.Start.AddSeconds(index * SecondsPerPhoto).ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture));
            image.Set(GValue.GStrType, "exif-ifd2-OffsetTimeOriginal", "+00:00");
            // A phone's main camera, as many contributors use: the STAC items show it as pers:interior_orientation.
            image.Set(GValue.GStrType, "exif-ifd0-Make", "Google");
            image.Set(GValue.GStrType, "exif-ifd0-Model", "Pixel 7");
            image.Set(GValue.GStrType, "exif-ifd2-FocalLength", "681/100");
            image.Set(GValue.GStrType, "exif-ifd2-FocalLengthIn35mmFilm", "24");
        });
        photo.Jpegsave(Path.Combine(folder, $"{street.Name}-{index:D3}.jpg"), q: 80);
    }

    private static (double Lat, double Lon) Walk(Street street, double meters)
    {
        var bearing = street.Bearing * Math.PI / 180;
        var dLat = meters * Math.Cos(bearing) / 111_320;
        var dLon = meters * Math.Sin(bearing) / (111_320 * Math.Cos(street.Lat * Math.PI / 180));
        return (street.Lat + dLat, street.Lon + dLon);
    }

    private static string Dms(double value)
    {
        value = Math.Abs(value);
        var degrees = (int)value;
        var minutes = (int)((value - degrees) * 60);
        var seconds = ((value - degrees) * 60 - minutes) * 60;
        return $"{degrees}/1 {minutes}/1 {(long)Math.Round(seconds * 10000)}/10000";
    }
}
