using System.Globalization;

namespace Sightline.Contract;

/// <summary>
/// Reads query parameters the contract's way: empty counts as absent, and every refusal is an
/// <see cref="ApiException"/> that names the parameter and the accepted form.
/// </summary>
public static class Parameters
{
    public static string RequiredText(string name, string? raw, int maxLength)
    {
        if (string.IsNullOrEmpty(raw))
            throw ApiException.Missing(name);
        if (raw.Length > maxLength)
            throw ApiException.Invalid(name, $"must be at most {maxLength} characters long");
        return raw;
    }

    public static int Integer(string name, string? raw, int min, int max, int fallback)
    {
        if (string.IsNullOrEmpty(raw))
            return fallback;
        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw ApiException.Invalid(name, $"must be a whole number from {min} to {max}");
        return value;
    }

    /// <summary>
    /// A page size (CONTRACT.md "Page sizes"): a whole number of at least 1; one above <paramref name="max"/>, however large,
    /// is served at <paramref name="max"/>, since clients of the original API sent limit=100000 to mean "as many as you give".
    /// </summary>
    public static int Limit(string? raw, int max, int fallback)
    {
        if (string.IsNullOrEmpty(raw))
            return fallback;
        if (raw.Length > 0 && raw.All(char.IsAsciiDigit) && raw.TrimStart('0').Length > 9)
            return max; // beyond int: a digit string this long is above any cap
        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < 1)
            throw ApiException.Invalid("limit", $"must be a whole number of at least 1 (above {max} is served as {max})");
        return Math.Min(value, max);
    }

    /// <summary>A whole number such as epoch milliseconds; null when absent.</summary>
    public static long? Long(string name, string? raw, long min, long max)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw ApiException.Invalid(name, $"must be a whole number from {min} to {max}");
        return value;
    }

    /// <summary>
    /// A finite decimal number in [min, max] (max may be infinity: no upper bound); null when absent. NaN and Infinity are refused because
    /// .NET would parse them and they would then slip through every range comparison.
    /// </summary>
    public static double? Double(string name, string? raw, double min, double max)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (!double.TryParse(raw, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < min || value > max)
            throw ApiException.Invalid(name, double.IsPositiveInfinity(max)
                ? $"must be a finite number of at least {Format(min)}"
                : $"must be a finite number between {Format(min)} and {Format(max)}");
        return value;
    }

    /// <summary>
    /// A boolean as <c>true</c>/<c>false</c>/<c>1</c>/<c>0</c> (spec §5 item 4), the words in any case (Python's
    /// <c>requests</c> sends <c>True</c>); null when absent.
    /// </summary>
    public static bool? Boolean(string name, string? raw)
    {
        if (string.IsNullOrEmpty(raw))
            return null;
        if (raw == "1" || raw.Equals("true", StringComparison.OrdinalIgnoreCase))
            return true;
        if (IsFalse(raw))
            return false;
        throw ApiException.Invalid(name, "must be true, false, 1 or 0");
    }

    /// <summary>Whether <paramref name="raw"/> is a boolean's false (<c>false</c> in any case, or <c>0</c>).</summary>
    public static bool IsFalse(string? raw) => raw == "0" || string.Equals(raw, "false", StringComparison.OrdinalIgnoreCase);

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
