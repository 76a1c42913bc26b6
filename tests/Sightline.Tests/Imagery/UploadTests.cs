using System.Net;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using Sightline.Tests.Infrastructure;

namespace Sightline.Tests.Imagery;

/// <summary>POST /v2/me/uploads/images/{key}: EXIF, overrides, refusals and retries, over HTTP against the real server.</summary>
public sealed class UploadTests : IAsyncLifetime
{
    private TestServer server = null!;
    private Uploader uploader = null!;

    private static readonly PhotoSpec Sydney = new()
    {
        Lat = -33.8567844, Lon = -151.2152967, Ca = 270.5,
        Taken = new DateTime(2024, 5, 6, 7, 8, 9), SubSeconds = "123", Offset = "+02:00",
    };

    public async Task InitializeAsync()
    {
        server = await TestServer.StartAsync();
        uploader = await Uploader.CreateAsync(server, "uploader");
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public void GeneratedExifReadsBackWithMetadataExtractor()
    {
        var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(Photos.Jpeg(Sydney with { Orientation = 6 })));
        var location = directories.OfType<GpsDirectory>().Single().GetGeoLocation()!;
        Assert.Equal(-33.8567844, location.Latitude, 6);
        Assert.Equal(-151.2152967, location.Longitude, 6);
        Assert.Equal("S", directories.OfType<GpsDirectory>().Single().GetString(GpsDirectory.TagLatitudeRef));
        Assert.Equal(6, directories.OfType<ExifIfd0Directory>().Single().GetInt32(ExifDirectoryBase.TagOrientation));
        Assert.Equal("2024:05:06 07:08:09", directories.OfType<ExifSubIfdDirectory>().Single().GetString(ExifDirectoryBase.TagDateTimeOriginal));
    }

    [Fact]
    public async Task PositionTimeAndDirectionComeFromExifWithRefsAndOffset()
    {
        var image = await uploader.UploadProcessedAsync("sydney-1", Photos.Jpeg(Sydney));

        Assert.Equal(-33.8567844, image.GetProperty("lat").GetDouble(), 6);
        Assert.Equal(-151.2152967, image.GetProperty("lon").GetDouble(), 6);
        Assert.Equal(270.5, image.GetProperty("ca").GetDouble(), 6);
        // 07:08:09.123 at +02:00 is 05:08:09.123 UTC.
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 5, 8, 9, 123, TimeSpan.Zero).ToUnixTimeMilliseconds(), image.GetProperty("captured_at").GetInt64());
        Assert.Equal("uploader", image.GetProperty("user").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, image.GetProperty("location").ValueKind);
        Assert.Equal(22, image.GetProperty("sequence_key").GetString()!.Length);
        Assert.Equal(22, image.GetProperty("key").GetString()!.Length);
    }

    [Theory]
    [InlineData(null, null, 0, 0)]     // no offset: taken as UTC
    [InlineData("-05:30", "5", -330, 500)]
    [InlineData("+09:00", "04", 540, 40)]
    public async Task CaptureTimeAppliesTheOffsetAndSubSeconds(string? offset, string? subSeconds, int offsetMinutes, int milliseconds)
    {
        var image = await uploader.UploadProcessedAsync("time", Photos.Jpeg(Sydney with { Offset = offset, SubSeconds = subSeconds }));
        var expected = new DateTimeOffset(2024, 5, 6, 7, 8, 9, milliseconds, TimeSpan.FromMinutes(offsetMinutes)).ToUnixTimeMilliseconds();
        Assert.Equal(expected, image.GetProperty("captured_at").GetInt64());
    }

    [Fact]
    public async Task QueryParametersOverrideExif()
    {
        var image = await uploader.UploadProcessedAsync("override", Photos.Jpeg(Sydney), "&lat=48.5&lon=2.25&ca=12.5&captured_at=1700000000000");
        Assert.Equal(48.5, image.GetProperty("lat").GetDouble());
        Assert.Equal(2.25, image.GetProperty("lon").GetDouble());
        Assert.Equal(12.5, image.GetProperty("ca").GetDouble());
        Assert.Equal(1700000000000, image.GetProperty("captured_at").GetInt64());
    }

    [Fact]
    public async Task PhotoWithoutGpsIsParameterMissingNamingLat()
    {
        var message = await ContractAssert.Error(await uploader.PostAsync("nogps", Photos.Jpeg(Sydney with { Lat = null, Lon = null })), "parameter_missing");
        Assert.StartsWith("lat", message);
    }

    [Fact]
    public async Task PhotoWithoutGpsIsAcceptedWithLatAndLonInTheQuery()
    {
        var image = await uploader.UploadProcessedAsync("nogps-given", Photos.Jpeg(Sydney with { Lat = null, Lon = null, Ca = null }), "&lat=10.5&lon=-20.25");
        Assert.Equal(10.5, image.GetProperty("lat").GetDouble());
        Assert.Equal(-20.25, image.GetProperty("lon").GetDouble());
        Assert.Equal(0, image.GetProperty("ca").GetDouble()); // no direction, alone in its sequence: north (TravelDirection)
    }

    [Fact]
    public async Task PhotoWithLatOnlyIsParameterMissingNamingLon()
    {
        var message = await ContractAssert.Error(await uploader.PostAsync("lat-only", Photos.Jpeg(Sydney with { Lat = null, Lon = null }), "&lat=1"), "parameter_missing");
        Assert.StartsWith("lon", message);
    }

    [Fact]
    public async Task PhotoWithoutTimeIsParameterMissingNamingCapturedAt()
    {
        var message = await ContractAssert.Error(await uploader.PostAsync("notime", Photos.Jpeg(Sydney with { Taken = null })), "parameter_missing");
        Assert.StartsWith("captured_at", message);
    }

    [Theory]
    [InlineData("lat", "90.0001")]
    [InlineData("lat", "-91")]
    [InlineData("lat", "NaN")]
    [InlineData("lat", "Infinity")]
    [InlineData("lon", "180.5")]
    [InlineData("lon", "-Infinity")]
    [InlineData("ca", "360")]
    [InlineData("ca", "-1")]
    [InlineData("ca", "north")]
    [InlineData("captured_at", "-5")]
    [InlineData("captured_at", "2024-05-06")]
    public async Task OutOfRangeQueryParameterIsParameterInvalidNamingIt(string name, string value)
    {
        var message = await ContractAssert.Error(await uploader.PostAsync("bad-param", Photos.Jpeg(Sydney), $"&{name}={Uri.EscapeDataString(value)}"), "parameter_invalid");
        Assert.StartsWith(name + " ", message);
    }

    [Theory]
    [InlineData("image/png")]
    [InlineData("application/octet-stream")]
    [InlineData("text/plain")]
    public async Task OtherContentTypeIsParameterInvalidNamingContentType(string contentType)
    {
        var message = await ContractAssert.Error(await uploader.PostAsync("ctype", Photos.Jpeg(Sydney), contentType: contentType), "parameter_invalid");
        Assert.StartsWith("Content-Type", message);
    }

    [Theory]
    [InlineData("has.dot")]
    [InlineData("has%20space")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 65
    public async Task UploadKeyOfWrongShapeIsParameterInvalid(string key)
    {
        var message = await ContractAssert.Error(await uploader.PostAsync(key, Photos.Jpeg(Sydney)), "parameter_invalid");
        Assert.StartsWith("key", message);
    }

    [Fact]
    public async Task NoBodyAtAllIsParameterMissingBeforeContentTypeAndKeyShape()
    {
        // curl -X POST without --data-binary: the photo is missing (CONTRACT.md §4: missing before invalid).
        foreach (var key in new[] { "no-body", "has.dot" })
        {
            var message = await ContractAssert.Error(await uploader.SendAsync(HttpMethod.Post, $"/v2/me/uploads/images/{key}"), "parameter_missing");
            Assert.StartsWith("body", message);
        }
        var message2 = await ContractAssert.Error(await uploader.PostAsync("empty-text", [], contentType: "text/plain"), "parameter_missing");
        Assert.StartsWith("body", message2);
    }

    [Fact]
    public async Task BytesThatAreNotAJpegAreParameterInvalid()
    {
        var junk = new byte[5000];
        new Random(7).NextBytes(junk);
        await ContractAssert.Error(await uploader.PostAsync("junk", junk, "&lat=1&lon=1&captured_at=1"), "parameter_invalid");
    }

    [Fact]
    public async Task TruncatedJpegIsParameterInvalid()
    {
        var whole = Photos.NoisyJpeg(new PhotoSpec { Width = 800, Height = 600, Lat = 1, Lon = 2, Taken = new DateTime(2024, 1, 1) });
        var truncated = whole[..(whole.Length * 6 / 10)];
        var message = await ContractAssert.Error(await uploader.PostAsync("truncated", truncated), "parameter_invalid");
        Assert.Contains("truncated", message);
        // The same photo, whole, goes in: the refusal is about the truncation.
        await uploader.UploadAsync("whole", whole);
    }

    [Fact]
    public async Task APhotoWhoseScanEndsEarlyFailsAndIsReportedRatherThanPublishedGrey()
    {
        // The header claims 1600x1200 while the scan holds 64x48: the upload's structural checks pass (the scan is whole and
        // ends in EOI); the decode meets the early end. The photo fails, the uploader reads why, and nobody sees a grey photo.
        var damaged = Photos.WithClaimedSize(Photos.Jpeg(Sydney with { Width = 64, Height = 48 }), 1600, 1200);
        var key = await uploader.UploadAsync("scan-ends-early", damaged);
        var deadline = DateTime.UtcNow + Uploader.ProcessingTimeout; // a safety net, not a timing assertion
        System.Text.Json.JsonElement state;
        while ((state = await uploader.GetJsonAsync("/v2/me/uploads/images/scan-ends-early")).GetProperty("state").GetString() != "failed")
        {
            Assert.NotEqual("done", state.GetProperty("state").GetString());
            Assert.True(DateTime.UtcNow < deadline, "the damaged photo was never judged");
            await Task.Delay(50);
        }
        Assert.Contains("decoded", state.GetProperty("failure").GetString());
        var status = await uploader.GetJsonAsync("/v2/me/uploads/status");
        Assert.Contains(status.GetProperty("failures").EnumerateArray(), f => f.GetProperty("image_key").GetString() == key);
        await ContractAssert.Error(await uploader.SendAsync(HttpMethod.Get, $"/v2/im/{key}"), "not_found");
        await ContractAssert.Error(await server.Http.GetAsync($"/{key}/thumb-320.jpg"), "not_found");
    }

    [Theory]
    [InlineData("extraneous-bytes")]
    [InlineData("sos-parameters")]
    public async Task APhotoWhoseDecoderWarnsOfSomethingHarmlessIsPublishedAsBefore(string oddity)
    {
        // Bytes between two markers, or a baseline scan header with a successive-approximation value (as some phones write):
        // libjpeg warns ("extraneous bytes before marker", "Invalid SOS parameters for sequential JPEG") and decodes every
        // pixel. The strict decode refuses the warning; the photo is decoded again, tolerating it, and published.
        var jpeg = Photos.Jpeg(Sydney with { Width = 96, Height = 64 });
        var sos = IndexOf(jpeg, [0xFF, 0xDA]);
        byte[] odd;
        if (oddity == "extraneous-bytes")
        {
            odd = jpeg[..sos].Concat(new byte[] { 0, 0, 0 }).Concat(jpeg[sos..]).ToArray();
        }
        else
        {
            odd = (byte[])jpeg.Clone();
            var components = odd[sos + 4];
            odd[sos + 5 + 2 * components + 2] = 0x01; // Ah/Al after Ss and Se: Al = 1
        }
        var image = await uploader.UploadProcessedAsync(oddity, odd);
        using var thumbnail = await server.Http.GetAsync($"/{image.GetProperty("key").GetString()}/thumb-320.jpg");
        Assert.Equal(System.Net.HttpStatusCode.OK, thumbnail.StatusCode);
    }

    [Fact]
    public async Task BrokenExifLosesOnlyTheExif()
    {
        var jpeg = Photos.Jpeg(Sydney);
        var exif = IndexOf(jpeg, "Exif\0\0"u8.ToArray());
        Assert.True(exif > 0);
        for (var i = exif + 6; i < exif + 40; i++)
            jpeg[i] = 0xEE; // the TIFF header and first IFD entries become garbage
        var message = await ContractAssert.Error(await uploader.PostAsync("broken-exif", jpeg), "parameter_missing");
        Assert.StartsWith("lat", message);
        var image = await uploader.UploadProcessedAsync("broken-exif", jpeg, "&lat=5&lon=6&captured_at=1600000000000");
        Assert.Equal(5, image.GetProperty("lat").GetDouble());
    }

    [Theory]
    [InlineData(30000, 30000)] // both sides at the limit, 900 megapixels
    [InlineData(30001, 10)]    // one side over
    [InlineData(12000, 9000)]  // 108 megapixels
    public async Task HeaderClaimingAbsurdDimensionsIsRefusedBeforeDecoding(int width, int height)
    {
        var bomb = Photos.WithClaimedSize(Photos.Jpeg(Sydney with { Width = 64, Height = 48 }), width, height);
        var message = await ContractAssert.Error(await uploader.PostAsync("bomb", bomb), "parameter_invalid");
        // Naming the claimed size shows that the header was judged, not a decode that failed.
        Assert.Contains($"{width}x{height}", message);
    }

    [Fact]
    public async Task BodyOverTheConfiguredLimitIsParameterInvalid()
    {
        await using var small = await TestServer.StartAsync(new Dictionary<string, string?> { ["Uploads:MaxBytes"] = "20000" });
        var limited = await Uploader.CreateAsync(small, "limited");
        var big = Photos.NoisyJpeg(new PhotoSpec { Width = 400, Height = 300, Lat = 1, Lon = 2, Taken = new DateTime(2024, 1, 1) });
        Assert.True(big.Length > 20000);
        var message = await ContractAssert.Error(await limited.PostAsync("big", big), "parameter_invalid");
        Assert.Contains("20000", message);
    }

    [Fact]
    public async Task RetryWithTheSameBytesAnswersTheSameImageKey()
    {
        var photo = Photos.Jpeg(Sydney);
        var first = await uploader.UploadAsync("retry", photo);
        var second = await uploader.UploadAsync("retry", photo);
        Assert.Equal(first, second);
        await uploader.WaitUntilProcessedAsync(first);
        Assert.Equal(first, await uploader.UploadAsync("retry", photo));
        var status = await uploader.GetJsonAsync("/v2/me/uploads/status");
        Assert.Equal(1, status.GetProperty("done").GetInt64());
    }

    [Fact]
    public async Task ARetryIsAcknowledgedOnlyWithThePositionAndTimeItWasStoredWith()
    {
        var photo = Photos.Jpeg(Sydney with { Seed = 9 });
        const string Given = "&lat=-33.8&lon=151.2&ca=90.5&captured_at=1714809600000";
        var key = await uploader.UploadAsync("corrected", photo, Given);
        Assert.Equal(key, await uploader.UploadAsync("corrected", photo, Given)); // the same request again
        Assert.Equal(key, await uploader.UploadAsync("corrected", photo));        // or without the values
        // A "correction" sent as a retry would be acknowledged and silently not applied: refused by name instead.
        foreach (var (name, other) in new[] { ("lat", "&lat=-33.9"), ("lon", "&lon=151.3"), ("ca", "&ca=91"), ("captured_at", "&captured_at=1714809600001") })
            Assert.StartsWith(name, await ContractAssert.Error(await uploader.PostAsync("corrected", photo, other), "parameter_invalid"));
    }

    [Fact]
    public async Task AReUploadOfTheSameBytesRacingTheDeletionOfTheirLastUploadKeepsItsOriginal()
    {
        // Identical files are stored once: the deletion of the last upload of some bytes removes their file, and an upload of
        // the same bytes under another key at that moment must neither be acknowledged and then fail for want of it, nor
        // lose the original after it was processed (the re-verify audit of issue 14's session saw 2-3 in 12 fail).
        var again = new List<string>();
        for (var round = 0; round < 12; round++)
        {
            var photo = Photos.Jpeg(Sydney with { Seed = 100 + round });
            await uploader.UploadAsync($"race-{round}", photo);
            var deletion = uploader.SendAsync(HttpMethod.Delete, $"/v2/me/uploads/images/race-{round}");
            var upload = uploader.UploadAsync($"race-again-{round}", photo);
            using (var deleted = await deletion)
                Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            again.Add(await upload);
        }
        for (var round = 0; round < again.Count; round++)
        {
            var state = await uploader.GetJsonAsync($"/v2/me/uploads/images/race-again-{round}");
            var deadline = DateTime.UtcNow + Uploader.ProcessingTimeout;
            while (state.GetProperty("state").GetString() is "received" or "processing" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
                state = await uploader.GetJsonAsync($"/v2/me/uploads/images/race-again-{round}");
            }
            Assert.True(state.GetProperty("state").GetString() == "done", $"round {round}: {state}");
            // Done with thumbnails of its own, not marked done by the deleted photo's worker (Backends.ReusedIdTests).
            using (var thumbnail = await uploader.SendAsync(HttpMethod.Get, $"/api/pictures/{again[round]}/thumb.jpg"))
                Assert.True(thumbnail.StatusCode == HttpStatusCode.OK, $"round {round}: no thumbnail ({(int)thumbnail.StatusCode})");
            using var original = await uploader.SendAsync(HttpMethod.Get, $"/api/pictures/{again[round]}/original.jpg");
            Assert.True(original.StatusCode == HttpStatusCode.OK, $"round {round}: the original is gone ({(int)original.StatusCode})");
            Assert.Equal(Photos.Jpeg(Sydney with { Seed = 100 + round }), await original.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task RetryWithOtherBytesIsParameterInvalid()
    {
        await uploader.UploadAsync("conflict", Photos.Jpeg(Sydney));
        var message = await ContractAssert.Error(await uploader.PostAsync("conflict", Photos.Jpeg(Sydney with { Seed = 5 })), "parameter_invalid");
        Assert.StartsWith("key", message);
    }

    [Fact]
    public async Task UploadKeysArePerUser()
    {
        var other = await Uploader.CreateAsync(server, "other");
        var mine = await uploader.UploadAsync("shared-name", Photos.Jpeg(Sydney));
        var theirs = await other.UploadAsync("shared-name", Photos.Jpeg(Sydney with { Seed = 3 }));
        Assert.NotEqual(mine, theirs);
    }

    [Fact]
    public async Task UploadNeedsThePublicUploadScope()
    {
        var reader = await Uploader.CreateAsync(server, "reader", "user:read");
        var message = await ContractAssert.Error(await reader.PostAsync("x", Photos.Jpeg(Sydney)), "user_not_authenticated");
        Assert.Contains("public:upload", message);
    }

    [Fact]
    public async Task StatusCountsUploadsByState()
    {
        var key = await uploader.UploadAsync("count-1", Photos.Jpeg(Sydney));
        await uploader.WaitUntilProcessedAsync(key);
        var status = await uploader.GetJsonAsync("/v2/me/uploads/status");
        Assert.Equal(1, status.GetProperty("done").GetInt64());
        Assert.Equal(0, status.GetProperty("received").GetInt64());
        Assert.Equal(0, status.GetProperty("processing").GetInt64());
        Assert.Equal(0, status.GetProperty("failed").GetInt64());
        Assert.Equal(0, status.GetProperty("failures").GetArrayLength());
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
                return i;
        return -1;
    }
}
