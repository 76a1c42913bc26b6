using System.Text;

namespace Sightline.Access;

/// <summary>Checks that a raw query string percent-decodes to valid UTF-8 without control characters.</summary>
public static class QueryEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsWellFormed(string? query)
    {
        if (string.IsNullOrEmpty(query))
            return true;
        var bytes = new List<byte>(query.Length);
        for (var i = 0; i < query.Length; i++)
        {
            var c = query[i];
            if (c == '%')
            {
                if (i + 2 >= query.Length || !Uri.IsHexDigit(query[i + 1]) || !Uri.IsHexDigit(query[i + 2]))
                    return false;
                bytes.Add(Convert.ToByte(query.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c > 0x7F)
            {
                return false; // RFC 3986: a URL carries non-ASCII only percent-encoded
            }
            else
            {
                bytes.Add((byte)c);
            }
        }
        try
        {
            var decoded = StrictUtf8.GetString(bytes.ToArray());
            return !decoded.Any(ch => char.IsControl(ch) && ch is not '\t');
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
