using System.Globalization;
using Sightline.Contract;

namespace Sightline.Uploads;

/// <summary>The query parameters that override or fill in a photo's EXIF, checked the contract's way.</summary>
public sealed record PhotoParameters(double? Lat, double? Lon, double? Ca, long? CapturedAt)
{
    // Far enough for any real photo, near enough to stay a valid DateTimeOffset (year 9999).
    private const long MaxEpochMilliseconds = 253_402_300_799_999;

    public static PhotoParameters From(IQueryCollection query) => new(
        Number("lat", query["lat"], -90, 90, upperInclusive: true, "a number from -90 to 90"),
        Number("lon", query["lon"], -180, 180, upperInclusive: true, "a number from -180 to 180"),
        Number("ca", query["ca"], 0, 360, upperInclusive: false, "a number of degrees from 0 up to (not including) 360"),
        Time("captured_at", query["captured_at"]));

    private static double? Number(string name, string? raw, double min, double max, bool upperInclusive, string form)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value < min || value > max || (!upperInclusive && value == max))
            throw ApiException.Invalid(name, $"must be {form}");
        return value;
    }

    private static long? Time(string name, string? raw)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > MaxEpochMilliseconds)
            throw ApiException.Invalid(name, "must be a time in whole milliseconds since 1970-01-01 UTC");
        return value;
    }
}
