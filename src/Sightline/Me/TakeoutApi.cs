using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Xml;
using Sightline.Access;
using Sightline.Contract;
using Sightline.Images;
using Sightline.Storage;

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
            .Produces<Stream>(StatusCodes.Status200OK, "application/zip")
            .WithSummary("Everything the token owner uploaded, as a ZIP")
            .WithDescription("originals/, photos.geojson, sequences.geojson, sequences/{key}.gpx, comments.json. Needs user:read; " +
                             "private photos are included only when the token also has private:read. The archive is streamed while it is made: " +
                             "a failure after the first bytes closes the connection instead of answering an error.");
        return me;
    }

    public static async Task Takeout(HttpContext context, Caller caller, ITakeoutStore store, IBlobStore blobs)
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
        // Written as it is made: the archive of a large account never sits in memory or on disk. Every write to the
        // socket is asynchronous, so a slow download holds no thread.
        await using var body = new DeferredWriteStream(response.Body);
        await using (var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellation))
        {
            await WriteAsync(zip, body, "photos.geojson", stream => WritePhotos(stream, photos), cancellation);
            await WriteAsync(zip, body, "sequences.geojson", stream => WriteSequences(stream, photos), cancellation);
            foreach (var sequence in photos.Where(p => p.SequenceKey is not null).GroupBy(p => p.SequenceKey!))
                await WriteAsync(zip, body, $"sequences/{sequence.Key}.gpx", stream => WriteGpx(stream, sequence.Key, sequence.ToList()), cancellation);
            await WriteAsync(zip, body, "comments.json", stream => JsonSerializer.Serialize(stream, comments.Select(c => new
            {
                key = c.Key, image_key = c.ImageKey, comment = c.Body, created_at = DateTimeOffset.FromUnixTimeMilliseconds(c.CreatedAt),
            }), ContractJson.Options), cancellation);
            foreach (var photo in photos)
            {
                var original = await blobs.OpenReadAsync(ImageFiles.OriginalKey(photo.ContentHash), cancellation);
                if (original is null)
                    continue; // the uploader removed the original (DELETE …/file); its metadata is still in photos.geojson
                await using var source = original.Content;
                // Already compressed: stored, not deflated again.
                var entry = zip.CreateEntry($"originals/{photo.Key}.jpg", CompressionLevel.NoCompression);
                await using (var target = await entry.OpenAsync(cancellation))
                    await source.CopyToAsync(target, cancellation);
                await body.FlushAsync(cancellation);
            }
        }
        await body.FlushAsync(cancellation); // the central directory
    }

    // The metadata files are small beside the originals: made in memory, then copied into the archive asynchronously.
    private static async Task WriteAsync(ZipArchive zip, DeferredWriteStream body, string name, Action<Stream> write, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        buffer.Position = 0;
        await using (var stream = await zip.CreateEntry(name, CompressionLevel.Fastest).OpenAsync(cancellation))
            await buffer.CopyToAsync(stream, cancellation);
        await body.FlushAsync(cancellation);
    }

    private static void WritePhotos(Stream stream, IReadOnlyList<ITakeoutStore.Photo> photos)
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
            json.WriteNumber("ca", photo.Ca);
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

    private static void WriteSequences(Stream stream, IReadOnlyList<ITakeoutStore.Photo> photos)
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
            // Two or more positions, as a GeoJSON LineString holds: a sequence of one photo repeats its position.
            foreach (var photo in sequence.Count() == 1 ? [sequence.First(), sequence.First()] : (IEnumerable<ITakeoutStore.Photo>)sequence)
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

    private static void WriteGpx(Stream stream, string sequenceKey, IReadOnlyList<ITakeoutStore.Photo> photos)
    {
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false) });
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
