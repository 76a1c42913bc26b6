using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Sightline.Contract;
using Sightline.Places;
using Sightline.Search.Index;

namespace Sightline.Search;

/// <summary>
/// The answer of <c>/v2/search/im</c> and <c>/v2/search/im/close</c> (<see cref="SearchDtos.ImageList"/>), written from
/// the index's hits straight to the response with its length: byte for byte what the serializer writes for the
/// <see cref="SearchDtos.ImageList"/> of the same page (<c>ImageListAnswerTests</c> holds it to that).
/// </summary>
/// <remarks>
/// Issue 14: these are the two hottest routes of the API. Serializing a record per image (with its key as a string)
/// through the reflection-based serializer and a chunked body was a fifth of a close search's CPU in perf profiles;
/// here the keys are encoded on the stack, the JSON goes to a per-thread buffer, and the response is one copy into
/// Kestrel's pipe with a <c>Content-Length</c>. The endpoint metadata stays that of <c>Ok&lt;ImageList&gt;</c>, so the
/// OpenAPI document does not change.
/// </remarks>
public sealed class ImageListAnswer(SearchPage page, ImageIndex index, bool withDistance) : IResult, IEndpointMetadataProvider
{
    private const string JsonContentType = "application/json; charset=utf-8";

    // A buffer that grew for a page of a thousand images is not kept.
    private const int KeptBufferBytes = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = ContractJson.Options.Encoder, SkipValidation = true };

    // Per thread: the JSON is written and copied into the response's pipe before anything is awaited.
    [ThreadStatic] private static ArrayBufferWriter<byte>? cachedBuffer;
    [ThreadStatic] private static Utf8JsonWriter? cachedWriter;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(SearchDtos.ImageList), ["application/json"]));

    public Task ExecuteAsync(HttpContext context)
    {
        var buffer = cachedBuffer ?? new ArrayBufferWriter<byte>(8192);
        cachedBuffer = null; // a re-entrant call (none today) would take a fresh one
        var writer = cachedWriter ?? new Utf8JsonWriter(buffer, WriterOptions);
        cachedWriter = null;
        var response = context.Response;
        try
        {
            writer.Reset(buffer);
            Write(writer, page, index, withDistance);
            writer.Flush();
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = JsonContentType;
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            buffer.ResetWrittenCount();
            if (buffer.Capacity <= KeptBufferBytes)
            {
                cachedBuffer = buffer;
                cachedWriter = writer;
            }
        }
        // The flush is needed when a middleware put a stream in front of the body (the access log counts bytes): its
        // pipe adapter holds what was written until then. On Kestrel's own pipe it is the one send of headers and body.
        var flushing = response.BodyWriter.FlushAsync(context.RequestAborted);
        return flushing.IsCompletedSuccessfully ? Task.CompletedTask : flushing.AsTask();
    }

    /// <summary>Writes the page as <see cref="SearchDtos.ImageList"/> (snake_case, as <see cref="ContractJson"/>).</summary>
    public static void Write(Utf8JsonWriter writer, SearchPage page, ImageIndex index, bool withDistance)
    {
        writer.WriteStartObject();
        writer.WriteBoolean(Names.More, page.More);
        writer.WriteStartArray(Names.Ims);
        Span<byte> keyBytes = stackalloc byte[16];
        Span<byte> key = stackalloc byte[22];
        // The index's searches hand over a segment of their heap's array: read in place, not copied out through the list.
        var hits = page.Hits is ArraySegment<Hit> segment ? segment.AsSpan() : page.Hits.ToArray();
        foreach (ref readonly var hit in hits)
        {
            var image = hit.Image;
            writer.WriteStartObject();
            BinaryPrimitives.WriteUInt64BigEndian(keyBytes, image.KeyHigh);
            BinaryPrimitives.WriteUInt64BigEndian(keyBytes[8..], image.KeyLow);
            Base64Url.EncodeToUtf8(keyBytes, key);
            writer.WriteString(Names.Key, key);
            if (image.CompassAngle is null)
                writer.WriteNull(Names.Ca);
            else
                WriteSingle(writer, Names.Ca, image.Ca);
            writer.WriteNumber(Names.CapturedAt, image.CapturedAt);
            WriteDouble(writer, Names.Lat, image.Lat);
            WriteDouble(writer, Names.Lon, image.Lon);
            if (Gazetteer.Shared.LocationOf(image.Lat, image.Lon) is { } location)
                writer.WriteString(Names.Location, location);
            else
                writer.WriteNull(Names.Location);
            writer.WriteString(Names.User, index.Username(image.UserId));
            if (index.SequenceKey(image.SequenceId) is { } sequenceKey)
                writer.WriteString(Names.SequenceKey, sequenceKey);
            else
                writer.WriteNull(Names.SequenceKey);
            if (withDistance)
                WriteDistance(writer, hit.Decimetres);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    // The runtime's shortest round-trip text, the writer's own for a double, from exact integer arithmetic (issue 14: the
    // runtime's formatting of lat/lon was 9% of a close search's CPU); values outside ShortestDouble's range go to the writer.
    private static void WriteDouble(Utf8JsonWriter writer, JsonEncodedText name, double value)
    {
        Span<byte> text = stackalloc byte[ShortestDouble.MaxBytes];
        if (ShortestDouble.TryFormat(value, text, out var written))
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(text[..written], skipInputValidation: true);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    // The compass angle is single precision: its own shortest text, as the writer writes a float.
    private static void WriteSingle(Utf8JsonWriter writer, JsonEncodedText name, float value)
    {
        Span<byte> text = stackalloc byte[ShortestDouble.MaxBytes];
        if (ShortestDouble.TryFormat(value, text, out var written))
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(text[..written], skipInputValidation: true);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    // Metres to a tenth: the text the serializer writes for the double decimetres / 10.0 ("7.4"; "7" for 7.0; a distance
    // on the Earth stays far below where doubles switch to exponents), from the integer, without formatting a double.
    private static void WriteDistance(Utf8JsonWriter writer, long decimetres)
    {
        if (decimetres % 10 == 0)
        {
            writer.WriteNumber(Names.Distance, decimetres / 10);
            return;
        }
        Span<byte> text = stackalloc byte[24];
        Utf8Formatter.TryFormat(decimetres / 10, text, out var written);
        text[written++] = (byte)'.';
        text[written++] = (byte)('0' + decimetres % 10);
        writer.WritePropertyName(Names.Distance);
        writer.WriteRawValue(text[..written], skipInputValidation: true);
    }

    private static class Names
    {
        public static readonly JsonEncodedText More = JsonEncodedText.Encode("more");
        public static readonly JsonEncodedText Ims = JsonEncodedText.Encode("ims");
        public static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
        public static readonly JsonEncodedText Ca = JsonEncodedText.Encode("ca");
        public static readonly JsonEncodedText CapturedAt = JsonEncodedText.Encode("captured_at");
        public static readonly JsonEncodedText Lat = JsonEncodedText.Encode("lat");
        public static readonly JsonEncodedText Lon = JsonEncodedText.Encode("lon");
        public static readonly JsonEncodedText Location = JsonEncodedText.Encode("location");
        public static readonly JsonEncodedText User = JsonEncodedText.Encode("user");
        public static readonly JsonEncodedText SequenceKey = JsonEncodedText.Encode("sequence_key");
        public static readonly JsonEncodedText Distance = JsonEncodedText.Encode("distance");
    }
}
