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
}
