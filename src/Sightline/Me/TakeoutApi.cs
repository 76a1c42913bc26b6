using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;

namespace Sightline.Me;

/// <summary>
/// <c>GET /v2/me/takeout</c>: everything the token owner uploaded, as one ZIP streamed while it is made (GDPR, issue 13):
/// the originals, <c>photos.geojson</c>, <c>sequences.geojson</c>, one GPX track per sequence, <c>comments.json</c>.
/// user:read; private photos (and comments on them) only with private:read as well.
/// </summary>
public static class TakeoutApi
{
    public static RouteGroupBuilder MapTakeout(this RouteGroupBuilder me)
    {
        me.MapGet("/takeout", Takeout)
            .RequireScope(Scopes.UserRead)
            .WithName("GetTakeout")
            .WithSummary("Everything the token owner uploaded, as a ZIP")
            .WithDescription("originals/, photos.geojson, sequences.geojson, sequences/{key}.gpx, comments.json. Needs user:read; " +
                             "private photos are included only when the token also has private:read.");
        return me;
    }

    public static async Task Takeout(HttpContext context, Caller caller, TakeoutStore store, ImageFiles files)
    {
        var token = caller.Token!;
        var includePrivate = token.HasScope(Scopes.PrivateRead);
        var cancellation = context.RequestAborted;
        var photos = await store.PhotosAsync(token.UserId, includePrivate, cancellation);
        var comments = await store.CommentsAsync(token.UserId, includePrivate, cancellation);

        var response = context.Response;
        response.ContentType = "application/zip";
        response.Headers.ContentDisposition = "attachment; filename=\"sightline-takeout.zip\"";
        response.Headers.CacheControl = "no-store";
        // ZipArchive writes synchronously to its stream; this pipe-backed stream flushes to the socket as it goes.
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpBodyControlFeature>()!.AllowSynchronousIO = true;
        using (var zip = new ZipArchive(response.Body, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "photos.geojson", stream => WritePhotos(stream, photos));
            Write(zip, "sequences.geojson", stream => WriteSequences(stream, photos));
            foreach (var sequence in photos.Where(p => p.SequenceKey is not null).GroupBy(p => p.SequenceKey!))
                Write(zip, $"sequences/{sequence.Key}.gpx", stream => WriteGpx(stream, sequence.Key, sequence.ToList()));
            Write(zip, "comments.json", stream => JsonSerializer.Serialize(stream, comments.Select(c => new
            {
                key = c.Key, image_key = c.ImageKey, comment = c.Body, created_at = DateTimeOffset.FromUnixTimeMilliseconds(c.CreatedAt),
            }), ContractJson.Options));
            foreach (var photo in photos)
            {
                cancellation.ThrowIfCancellationRequested();
                var original = files.OriginalPath(photo.ContentHash);
                if (!File.Exists(original))
                    continue; // the uploader removed the original (DELETE …/file); its metadata is still in photos.geojson
                // Already compressed: stored, not deflated again.
                var entry = zip.CreateEntry($"originals/{photo.Key}.jpg", CompressionLevel.NoCompression);
                await using var target = entry.Open();
                await using var source = File.OpenRead(original);
                await source.CopyToAsync(target, cancellation);
            }
        }
    }

    private static void Write(ZipArchive zip, string name, Action<Stream> write)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        write(stream);
    }

    private static void WritePhotos(Stream stream, IReadOnlyList<TakeoutStore.Photo> photos)
    {
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        foreach (var photo in photos)
        {
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("geometry");
            json.WriteString("type", "Point");
            json.WriteStartArray("coordinates");
            json.WriteNumberValue(photo.Lon);
            json.WriteNumberValue(photo.Lat);
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteString("key", photo.Key);
            if (photo.SequenceKey is null) json.WriteNull("sequence_key"); else json.WriteString("sequence_key", photo.SequenceKey);
            if (photo.Ca is { } ca) json.WriteNumber("ca", ca); else json.WriteNull("ca");
            json.WriteString("captured_at", DateTimeOffset.FromUnixTimeMilliseconds(photo.CapturedAt));
            json.WriteNumber("width", photo.Width);
            json.WriteNumber("height", photo.Height);
            json.WriteString("state", photo.State);
            json.WriteBoolean("private", photo.IsPrivate);
            json.WriteString("original", $"originals/{photo.Key}.jpg");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteSequences(Stream stream, IReadOnlyList<TakeoutStore.Photo> photos)
    {
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        foreach (var sequence in photos.Where(p => p.SequenceKey is not null).GroupBy(p => p.SequenceKey!))
        {
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("geometry");
            json.WriteString("type", "LineString");
            json.WriteStartArray("coordinates");
            foreach (var photo in sequence)
            {
                json.WriteStartArray();
                json.WriteNumberValue(photo.Lon);
                json.WriteNumberValue(photo.Lat);
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteString("key", sequence.Key);
            json.WriteStartArray("image_keys");
            foreach (var photo in sequence)
                json.WriteStringValue(photo.Key);
            json.WriteEndArray();
            json.WriteString("gpx", $"sequences/{sequence.Key}.gpx");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteGpx(Stream stream, string sequenceKey, IReadOnlyList<TakeoutStore.Photo> photos)
    {
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true });
        const string ns = "http://www.topografix.com/GPX/1/1";
        xml.WriteStartElement("gpx", ns);
        xml.WriteAttributeString("version", "1.1");
        xml.WriteAttributeString("creator", "Sightline");
        xml.WriteStartElement("trk", ns);
        xml.WriteElementString("name", ns, sequenceKey);
        xml.WriteStartElement("trkseg", ns);
        foreach (var photo in photos)
        {
            xml.WriteStartElement("trkpt", ns);
            xml.WriteAttributeString("lat", photo.Lat.ToString("R", CultureInfo.InvariantCulture));
            xml.WriteAttributeString("lon", photo.Lon.ToString("R", CultureInfo.InvariantCulture));
            xml.WriteElementString("time", ns, DateTimeOffset.FromUnixTimeMilliseconds(photo.CapturedAt).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            xml.WriteElementString("name", ns, photo.Key);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }
}
